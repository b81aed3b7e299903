'use client'

import type { AppRouter } from '@decnet/api'
import { MAX_BATCH_CALLS } from '@decnet/core/transport'
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client'
import { type ReactNode, useEffect, useState } from 'react'
import { errorCode } from '@/lib/errors.ts'
import { markHydrated } from '@/lib/first-load-recovery.ts'
import { isSigningOut } from '@/lib/sign-out.ts'
import { TRPCProvider } from '@/trpc/client.ts'

/** A revoked or expired session anywhere sends the operator back to the sign-in page. */
function onAuthError(error: unknown) {
  if (typeof window === 'undefined') return
  const code = errorCode(error)
  if (code !== 'UNAUTHORIZED' || isSigningOut()) return
  const path = window.location.pathname
  if (path === '/' || path.startsWith('/login')) return
  window.location.assign(`/login?next=${encodeURIComponent(path)}`)
}

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({ onError: onAuthError }),
        mutationCache: new MutationCache({
          onError: (error, _vars, _ctx, mutation) => {
            // A wrong password on the login form is not a lost session.
            if (mutation.options.mutationKey?.flat().includes('login')) return
            onAuthError(error)
          },
        }),
        defaultOptions: {
          queries: {
            staleTime: 2_000,
            refetchOnWindowFocus: false,
            retry: (count, error) => {
              const code = errorCode(error)
              if (code && code !== 'INTERNAL_SERVER_ERROR' && code !== 'BAD_GATEWAY') return false
              return count < 1
            },
          },
        },
      }),
  )
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === 'subscription',
          true: httpSubscriptionLink({ url: '/trpc', eventSourceOptions: { withCredentials: true } }),
          // Queries go as POST too: inputs (an INI under preview, search text) never sit in URLs or logs.
          false: httpBatchLink({ url: '/trpc', methodOverride: 'POST', maxItems: MAX_BATCH_CALLS }),
        }),
      ],
    }),
  )
  useEffect(markHydrated, [])
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  )
}
