'use client'

import { useQuery } from '@tanstack/react-query'
import { useRouter } from 'next/navigation'
import { useEffect } from 'react'
import { useTRPC } from '@/trpc/client.ts'

/** Sends a signed-in visitor of the public page to the console's overview; anyone else stays. */
export function SignedInRedirect({ to }: { to: string }) {
  const trpc = useTRPC()
  const router = useRouter()
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false, staleTime: 60_000 }))
  const signedIn = me.isSuccess && !me.data.mustChangePassword
  useEffect(() => {
    if (signedIn) router.replace(to)
  }, [signedIn, router, to])
  return null
}
