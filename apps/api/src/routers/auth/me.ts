import { authedProcedure } from '../../trpc.ts'
import { toPublicUserOutput } from '../users/public-user.ts'
import { ZMeInput, ZMeOutput } from './me.types.ts'

export const meProcedure = authedProcedure
  .meta({ allowedBeforePasswordChange: true })
  .input(ZMeInput)
  .output(ZMeOutput)
  .query(({ ctx }) => toPublicUserOutput(ctx.session.user))
