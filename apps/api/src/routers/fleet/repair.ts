import { repairDecky } from '../../fleet/operate.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZRepairInput, ZRepairOutput } from './repair.types.ts'

/** Queues a repair of one decky from its recorded spec and returns; the runner does the Docker work. */
export const repairProcedure = adminProcedure
  .input(ZRepairInput)
  .output(ZRepairOutput)
  .mutation(({ ctx, input }) => repairDecky(ctx.services, input.name, ctx.session.user.username))
