import { listDeliveries } from '../../alerts/channels.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZListDeliveriesInput, ZListDeliveriesOutput } from './list-deliveries.types.ts'

export const listDeliveriesProcedure = viewerProcedure
  .input(ZListDeliveriesInput)
  .output(ZListDeliveriesOutput)
  .query(({ ctx, input }) => listDeliveries(ctx.services, input))
