import type { AppRouter } from '@decnet/api'
import type { inferRouterOutputs } from '@trpc/server'
import { createTRPCContext } from '@trpc/tanstack-react-query'

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>()

/** Output types of every procedure, for components that receive data as props. */
export type RouterOutputs = inferRouterOutputs<AppRouter>
