import { MAX_BATCH_CALLS } from '@decnet/core'
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from '@trpc/client'
import { EventSource } from 'eventsource'
import type { AppRouter } from '../router.ts'

export type ApiClient = TRPCClient<AppRouter>

/** The same typed client the web uses, over HTTP with a Bearer token; SSE via the eventsource package. */
export function createApiClient(url: string, token?: string): ApiClient {
  const headers = (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {})
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: `${url}/trpc`,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...headers() } }),
          }),
        }),
        false: httpBatchLink({ url: `${url}/trpc`, headers, maxItems: MAX_BATCH_CALLS }),
      }),
    ],
  })
}
