import { assertPersonSession } from '../../auth/api-tokens.ts'
import { changeOwnPassword } from '../../auth/change-password.ts'
import { sessionCookie } from '../../auth/cookies.ts'
import { authedProcedure } from '../../trpc.ts'
import { ZChangePasswordInput, ZChangePasswordOutput } from './change-password.types.ts'

export const changePasswordProcedure = authedProcedure
  .meta({ allowedBeforePasswordChange: true })
  .input(ZChangePasswordInput)
  .output(ZChangePasswordOutput)
  .mutation(async ({ ctx, input }) => {
    assertPersonSession(ctx.session, 'change a password')
    const { token, claims } = await changeOwnPassword(ctx.services, ctx.session.user.id, input)
    ctx.setCookie(sessionCookie(token, claims.expiresAt, ctx.secureCookies))
    return {
      message: 'password changed; other sessions were signed out',
      token,
      expiresAt: claims.expiresAt.toISOString(),
    }
  })
