import { TRPCError } from '@trpc/server'
import { announceSessionChange } from '../../auth/session-watch.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZSetRoleInput, ZSetRoleOutput } from './set-role.types.ts'
import { assertMayRemoveAdminRights, serialiseUserAdmin } from './user-admin.ts'

export const setRoleProcedure = adminProcedure
  .input(ZSetRoleInput)
  .output(ZSetRoleOutput)
  .mutation(({ ctx, input }) =>
    serialiseUserAdmin(async () => {
      const target =
        input.role === 'admin'
          ? await ctx.services.db.users.findById(input.id)
          : await assertMayRemoveAdminRights(ctx, input.id, 'demote')
      if (!target) throw new TRPCError({ code: 'NOT_FOUND', message: `no user with id ${input.id}` })
      if (target.id === ctx.session.user.id) {
        throw new TRPCError({ code: 'FORBIDDEN', message: 'you cannot change your own role' })
      }
      // The user's sessions end so the new role applies from their next sign-in.
      await ctx.services.db.users.update(target.id, { role: input.role, tokensValidFrom: new Date() })
      announceSessionChange(ctx.services.bus, target.id)
      return { message: `user ${target.username} is now ${input.role}` }
    }),
  )
