import { adminProcedure } from '../../trpc.ts'
import { setRole } from '../../users/user-admin.ts'
import { ZSetRoleInput, ZSetRoleOutput } from './set-role.types.ts'

export const setRoleProcedure = adminProcedure
  .input(ZSetRoleInput)
  .output(ZSetRoleOutput)
  .mutation(async ({ ctx, input }) => {
    const target = await setRole(ctx.services, ctx.session.user.id, input.id, input.role)
    return { message: `user ${target.username} is now ${input.role}` }
  })
