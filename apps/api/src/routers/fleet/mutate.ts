import { mutateDecky } from '../../fleet/operate.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZMutateInput, ZMutateOutput } from './mutate.types.ts'

export const mutateProcedure = adminProcedure
  .input(ZMutateInput)
  .output(ZMutateOutput)
  .mutation(({ ctx, input }) => mutateDecky(ctx.services, input.name, ctx.session.user.username))
