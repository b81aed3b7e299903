import { initTRPC } from '@trpc/server'
import type { ApiContext } from './context.ts'

const t = initTRPC.context<ApiContext>().create({
  // Plain JSON on the wire (no transformer) so curl and non-TS clients work.
  isServer: true,
})

export const router = t.router
export const createCallerFactory = t.createCallerFactory
export const publicProcedure = t.procedure
