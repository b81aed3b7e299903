import { assertStrongPassword } from '../../auth/password-strength.ts'
import { hashPassword } from '../../auth/passwords.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZCreateUserInput, ZCreateUserOutput } from './create-user.types.ts'
import { toPublicUserOutput } from './public-user.ts'

export const createUserProcedure = adminProcedure
  .input(ZCreateUserInput)
  .output(ZCreateUserOutput)
  .mutation(async ({ ctx, input }) => {
    assertStrongPassword(input.password, [input.username])
    const user = await ctx.services.db.users.create({
      username: input.username,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      // The admin chose this password, so the new user must replace it at first sign-in.
      mustChangePassword: true,
    })
    return toPublicUserOutput(user)
  })
