import { requireAttackerPath } from '../../topology/lateral-movement.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZAttackerPathInput, ZAttackerPathResponse } from './path.types.ts'

/** The attacker's lateral movement: the deckies it reached through pivots, in order, with each hop. */
export const attackerPathProcedure = viewerProcedure
  .input(ZAttackerPathInput)
  .output(ZAttackerPathResponse)
  .query(({ ctx, input }) => requireAttackerPath(ctx.services.db, input.id))
