'use client'

import { useQueryClient } from '@tanstack/react-query'
import { useTRPC } from '@/trpc/client.ts'

/** After an operation changed a decky's services: the fleet, the decky and the histories are read again. */
export function useDeckyChanged(name: string): () => void {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  return () => {
    for (const key of [
      trpc.fleet.list.queryKey(),
      trpc.fleet.get.queryKey({ name }),
      trpc.fleet.history.pathKey(),
    ])
      queryClient.invalidateQueries({ queryKey: key })
  }
}
