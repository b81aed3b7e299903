import { TRPCError } from '@trpc/server'
import { assertStrongPassword } from '../../auth/password-strength.ts'
import { hashPassword } from '../../auth/passwords.ts'
import { announceSessionChange } from '../../auth/session-watch.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZResetPasswordInput, ZResetPasswordOutput } from './reset-password.types.ts'

export const resetPasswordProcedure = adminProcedure
  .input(ZResetPasswordInput)
  .output(ZResetPasswordOutput)
  .mutation(async ({ ctx, input }) => {
    const target = await ctx.services.db.users.findById(input.id)
    if (!target) throw new TRPCError({ code: 'NOT_FOUND', message: `no user with id ${input.id}` })
    assertStrongPassword(input.newPassword, [target.username])
    await ctx.services.db.users.update(target.id, {
      passwordHash: await hashPassword(input.newPassword),
      mustChangePassword: true,
      tokensValidFrom: new Date(),
    })
    announceSessionChange(ctx.services.bus, target.id)
    return { message: `password of ${target.username} reset; they must change it at next sign-in` }
  })
