import { TRPCError } from '@trpc/server'
import { sessionCookie } from '../../auth/cookies.ts'
import { burnPasswordCheck, verifyPassword } from '../../auth/passwords.ts'
import { publicProcedure } from '../../trpc.ts'
import { toPublicUserOutput } from '../users/public-user.ts'
import { ZLoginInput, ZLoginOutput } from './login.types.ts'

// One message for unknown user and wrong password, so the answer does not reveal which usernames exist.
const BAD_CREDENTIALS = 'invalid username or password'

export const loginProcedure = publicProcedure
  .input(ZLoginInput)
  .output(ZLoginOutput)
  .mutation(async ({ ctx, input }) => {
    const { db, limits, tokens } = ctx.services
    const usernameKey = input.username.toLowerCase()
    // Only failures count: a burst of good sign-ins is never throttled, guessing is.
    const waitMs = Math.max(limits.loginPerIp.peek(ctx.clientIp), limits.loginPerUsername.peek(usernameKey))
    if (waitMs > 0) {
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: `too many failed sign-ins; try again in ${Math.ceil(waitMs / 1000)} s`,
      })
    }
    const refuse = (): never => {
      limits.loginPerIp.hit(ctx.clientIp)
      limits.loginPerUsername.hit(usernameKey)
      throw new TRPCError({ code: 'UNAUTHORIZED', message: BAD_CREDENTIALS })
    }
    const user = await db.users.findByUsername(input.username)
    if (!user) {
      await burnPasswordCheck(input.password)
      return refuse()
    }
    if (!(await verifyPassword(user.passwordHash, input.password))) return refuse()
    limits.loginPerUsername.reset(usernameKey)
    const { token, claims } = await tokens.issue(user.id)
    ctx.setCookie(sessionCookie(token, claims.expiresAt, ctx.secureCookies))
    return { user: toPublicUserOutput(user), token, expiresAt: claims.expiresAt.toISOString() }
  })
