'use client'

import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'

/** How often the console asks whether the API answers. */
const PROBE_MS = 2_000

/** True when the API answers through the console's /trpc proxy (which says 502 while it cannot reach it). */
async function apiAnswers(): Promise<boolean> {
  try {
    const response = await fetch('/trpc/health.get', { cache: 'no-store' })
    // Read the body to its end: an unread body keeps the request open in the browser.
    await response.text()
    return response.status !== 502
  } catch {
    return false
  }
}

/**
 * Shown while the API does not answer (`npm start` restarts a crashed API): the console stays up and
 * says so, and refreshes everything once the API answers again.
 */
export function ApiDownBanner() {
  const queryClient = useQueryClient()
  const probe = useQuery({
    queryKey: ['decnet', 'api-answers'],
    queryFn: apiAnswers,
    refetchInterval: PROBE_MS,
    refetchIntervalInBackground: true,
    retry: false,
    gcTime: 0,
  })
  const wasDown = useRef(false)
  const down = probe.data === false
  useEffect(() => {
    if (down) wasDown.current = true
    else if (wasDown.current && probe.data === true) {
      wasDown.current = false
      void queryClient.invalidateQueries()
    }
  }, [down, probe.data, queryClient])
  if (!down) return null
  return (
    <div className="alert" role="alert" data-testid="api-down-banner">
      <strong>The DECNET API is not answering.</strong> It is being restarted; this page reconnects by itself
      when it answers again.
    </div>
  )
}
