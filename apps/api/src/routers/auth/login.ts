import { setTimeout as sleep } from 'node:timers/promises'
import { foldUsername } from '@decnet/db'
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
    // The attempt is counted here, before any hash is checked; only a success gives its slots back.
    const admission = limits.login.admit(ctx.clientIp, foldUsername(input.username))
    if (!admission.admitted) {
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: `too many failed sign-ins; try again in ${Math.ceil(admission.retryAfterMs / 1000)} s`,
      })
    }
    if (admission.delayMs > 0) await sleep(admission.delayMs)
    const user = await db.users.findByUsername(input.username)
    if (!user) {
      await burnPasswordCheck(input.password)
      throw new TRPCError({ code: 'UNAUTHORIZED', message: BAD_CREDENTIALS })
    }
    if (!(await verifyPassword(user.passwordHash, input.password))) {
      throw new TRPCError({ code: 'UNAUTHORIZED', message: BAD_CREDENTIALS })
    }
    admission.succeeded()
    const { token, claims } = await tokens.issue(user.id)
    ctx.setCookie(sessionCookie(token, claims.expiresAt, ctx.secureCookies))
    return { user: toPublicUserOutput(user), token, expiresAt: claims.expiresAt.toISOString() }
  })
