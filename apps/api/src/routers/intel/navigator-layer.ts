import { navigatorLayer } from '../../intel/navigator-layer.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZNavigatorLayerInput, ZNavigatorLayerOutput } from './navigator-layer.types.ts'

/** The fleet's (or one attacker's) techniques as an ATT&CK Navigator layer, ready to save as a file. */
export const navigatorLayerProcedure = viewerProcedure
  .input(ZNavigatorLayerInput)
  .output(ZNavigatorLayerOutput)
  .query(({ ctx, input }) => navigatorLayer(ctx.services.db, input.attackerId))
