'use client'

import { useQuery } from '@tanstack/react-query'
import { useTRPC } from '@/trpc/client.ts'

/** Which engine materialises deckies; the local engine cannot shape the OS fingerprint. */
export function EngineBanner() {
  const trpc = useTRPC()
  const config = useQuery(trpc.config.get.queryOptions())
  if (!config.data) return null
  if (config.data.engine === 'local') {
    return (
      <div className="engine-banner local" role="note" data-testid="engine-banner" data-engine="local">
        <strong>Engine: local (embedded).</strong> Deckies run in-process on loopback addresses in
        127.0.0.0/8. OS shaping (TCP/IP fingerprint, MAC, hostname) is not available with this engine; start
        the API with a reachable Docker daemon to get it.
      </div>
    )
  }
  return (
    <div className="engine-banner" role="note" data-testid="engine-banner" data-engine="docker">
      <strong>Engine: docker.</strong> Each decky is a base container with its own IP, MAC, hostname and
      OS-shaped network stack, plus one container per service.
    </div>
  )
}
