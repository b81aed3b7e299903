import { TRPCError } from '@trpc/server'
import { sessionCookie } from '../../auth/cookies.ts'
import { assertStrongPassword } from '../../auth/password-strength.ts'
import { hashPassword, verifyPassword } from '../../auth/passwords.ts'
import { announceSessionChange } from '../../auth/session-watch.ts'
import { authedProcedure } from '../../trpc.ts'
import { ZChangePasswordInput, ZChangePasswordOutput } from './change-password.types.ts'

export const changePasswordProcedure = authedProcedure
  .meta({ allowedBeforePasswordChange: true })
  .input(ZChangePasswordInput)
  .output(ZChangePasswordOutput)
  .mutation(async ({ ctx, input }) => {
    const { db, tokens } = ctx.services
    const user = await db.users.findById(ctx.session.user.id)
    if (!user || !(await verifyPassword(user.passwordHash, input.oldPassword))) {
      throw new TRPCError({ code: 'UNAUTHORIZED', message: 'the current password is wrong' })
    }
    if (input.oldPassword === input.newPassword) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: 'the new password must differ from the current one',
      })
    }
    assertStrongPassword(input.newPassword, [user.username])
    // Every token issued before now stops working, this one included; the caller gets a new one.
    await db.users.update(user.id, {
      passwordHash: await hashPassword(input.newPassword),
      mustChangePassword: false,
      tokensValidFrom: new Date(),
    })
    announceSessionChange(ctx.services.bus, user.id)
    const { token, claims } = await tokens.issue(user.id)
    ctx.setCookie(sessionCookie(token, claims.expiresAt, ctx.secureCookies))
    return {
      message: 'password changed; other sessions were signed out',
      token,
      expiresAt: claims.expiresAt.toISOString(),
    }
  })
