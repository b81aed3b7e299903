import { clearedSessionCookie } from '../../auth/cookies.ts'
import { announceSessionChange } from '../../auth/session-watch.ts'
import { authedProcedure } from '../../trpc.ts'
import { ZLogoutInput, ZLogoutOutput } from './logout.types.ts'

export const logoutProcedure = authedProcedure
  .meta({ allowedBeforePasswordChange: true })
  .input(ZLogoutInput)
  .output(ZLogoutOutput)
  .mutation(async ({ ctx }) => {
    const { jti, user, expiresAt } = ctx.session
    await ctx.services.db.tokens.revoke({ jti, userId: user.id, expiresAt })
    announceSessionChange(ctx.services.bus, user.id)
    ctx.setCookie(clearedSessionCookie(ctx.secureCookies))
    return { message: 'signed out' }
  })
