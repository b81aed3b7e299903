import { AppError } from '../app-error.ts'
import type { ApiContext, Session } from '../context.ts'

/** Search is the most expensive read: each user gets a bounded rate of it. */
export function assertSearchAllowed(ctx: ApiContext & { session: Session }): void {
  const waitMs = ctx.services.limits.searchPerUser.hit(ctx.session.user.id)
  if (waitMs > 0) {
    throw new AppError('rate_limited', `search rate limit reached; retry in ${Math.ceil(waitMs / 1000)} s`)
  }
}
