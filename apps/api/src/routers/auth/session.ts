import { publicProcedure } from '../../trpc.ts'
import { toPublicUserOutput } from '../users/public-user.ts'
import { ZSessionInput, ZSessionOutput } from './session.types.ts'

/** Who is signed in, if anyone (the login page sends a signed-in user on to the console). */
export const sessionProcedure = publicProcedure
  .input(ZSessionInput)
  .output(ZSessionOutput)
  .query(({ ctx }) => ({ user: ctx.session ? toPublicUserOutput(ctx.session.user) : null }))
