import { topologyOfFleet } from '../../topology/deployed-topology.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZGetTopologyInput, ZGetTopologyOutput } from './get.types.ts'

export const getTopologyProcedure = viewerProcedure
  .input(ZGetTopologyInput)
  .output(ZGetTopologyOutput)
  .query(async ({ ctx }) => topologyOfFleet(ctx.services))
