import { announceSessionChange } from '../../auth/session-watch.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZDeleteUserInput, ZDeleteUserOutput } from './delete-user.types.ts'
import { assertMayRemoveAdminRights, serialiseUserAdmin } from './user-admin.ts'

export const deleteUserProcedure = adminProcedure
  .input(ZDeleteUserInput)
  .output(ZDeleteUserOutput)
  .mutation(({ ctx, input }) =>
    serialiseUserAdmin(async () => {
      const target = await assertMayRemoveAdminRights(ctx, input.id, 'delete')
      await ctx.services.db.users.delete(target.id)
      announceSessionChange(ctx.services.bus, target.id)
      return { message: `user ${target.username} deleted` }
    }),
  )
