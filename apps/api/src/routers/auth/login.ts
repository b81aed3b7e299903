import { sessionCookie } from '../../auth/cookies.ts'
import { signIn } from '../../auth/sign-in.ts'
import { publicProcedure } from '../../trpc.ts'
import { toPublicUserOutput } from '../users/public-user.ts'
import { ZLoginInput, ZLoginOutput } from './login.types.ts'

export const loginProcedure = publicProcedure
  // Nobody is signed in yet: the audit log names the user the attempt gave (failed ones too).
  .meta({ audit: { actorFromInput: 'username' } })
  .input(ZLoginInput)
  .output(ZLoginOutput)
  .mutation(async ({ ctx, input }) => {
    const { user, token, claims } = await signIn(ctx.services, ctx.clientIp, input)
    ctx.setCookie(sessionCookie(token, claims.expiresAt, ctx.secureCookies))
    return { user: toPublicUserOutput(user), token, expiresAt: claims.expiresAt.toISOString() }
  })
