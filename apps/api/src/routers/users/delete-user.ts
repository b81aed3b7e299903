import { adminProcedure } from '../../trpc.ts'
import { deleteUser } from '../../users/user-admin.ts'
import { ZDeleteUserInput, ZDeleteUserOutput } from './delete-user.types.ts'

export const deleteUserProcedure = adminProcedure
  .input(ZDeleteUserInput)
  .output(ZDeleteUserOutput)
  .mutation(async ({ ctx, input }) => {
    const target = await deleteUser(ctx.services, ctx.session.user.id, input.id)
    return { message: `user ${target.username} deleted` }
  })
