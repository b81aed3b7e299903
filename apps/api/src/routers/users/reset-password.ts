import { adminProcedure } from '../../trpc.ts'
import { resetPassword } from '../../users/user-admin.ts'
import { ZResetPasswordInput, ZResetPasswordOutput } from './reset-password.types.ts'

export const resetPasswordProcedure = adminProcedure
  .input(ZResetPasswordInput)
  .output(ZResetPasswordOutput)
  .mutation(async ({ ctx, input }) => {
    const target = await resetPassword(ctx.services, input.id, input.newPassword)
    return { message: `password of ${target.username} reset; they must change it at next sign-in` }
  })
