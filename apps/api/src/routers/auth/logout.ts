import { assertPersonSession } from '../../auth/api-tokens.ts'
import { clearedSessionCookie } from '../../auth/cookies.ts'
import { signOut } from '../../auth/sign-in.ts'
import { authedProcedure } from '../../trpc.ts'
import { ZLogoutInput, ZLogoutOutput } from './logout.types.ts'

export const logoutProcedure = authedProcedure
  .meta({ allowedBeforePasswordChange: true })
  .input(ZLogoutInput)
  .output(ZLogoutOutput)
  .mutation(async ({ ctx }) => {
    assertPersonSession(ctx.session, 'sign out')
    await signOut(ctx.services, ctx.session)
    ctx.setCookie(clearedSessionCookie(ctx.secureCookies))
    return { message: 'signed out' }
  })
