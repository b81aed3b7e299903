import { TRPCError } from '@trpc/server'
import type { ApiContext, Session } from '../context.ts'

/** Search is the most expensive read: each user gets a bounded rate of it. */
export function assertSearchAllowed(ctx: ApiContext & { session: Session }): void {
  const waitMs = ctx.services.limits.searchPerUser.hit(ctx.session.user.id)
  if (waitMs > 0) {
    throw new TRPCError({
      code: 'TOO_MANY_REQUESTS',
      message: `search rate limit reached; retry in ${Math.ceil(waitMs / 1000)} s`,
    })
  }
}
