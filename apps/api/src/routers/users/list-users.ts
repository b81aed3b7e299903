import { adminProcedure } from '../../trpc.ts'
import { ZListUsersInput, ZListUsersOutput } from './list-users.types.ts'
import { toPublicUserOutput } from './public-user.ts'

export const listUsersProcedure = adminProcedure
  .input(ZListUsersInput)
  .output(ZListUsersOutput)
  .query(async ({ ctx }) => (await ctx.services.db.users.list()).map(toPublicUserOutput))
