import { adminProcedure } from '../../trpc.ts'
import { createUser } from '../../users/user-admin.ts'
import { ZCreateUserInput, ZCreateUserOutput } from './create-user.types.ts'
import { toPublicUserOutput } from './public-user.ts'

export const createUserProcedure = adminProcedure
  .input(ZCreateUserInput)
  .output(ZCreateUserOutput)
  .mutation(async ({ ctx, input }) => toPublicUserOutput(await createUser(ctx.services, input)))
