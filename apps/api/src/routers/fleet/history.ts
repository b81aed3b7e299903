import { requireDecky } from '../../fleet/decky-lookup.ts'
import { toHistoryEntry } from '../../fleet/history-output.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZHistoryInput, ZHistoryOutput } from './history.types.ts'

/** A decky's operations (deploy, mutate with its services before and after, repair…), newest first. */
export const historyProcedure = viewerProcedure
  .input(ZHistoryInput)
  .output(ZHistoryOutput)
  .query(async ({ ctx, input }) => {
    const decky = await requireDecky(ctx.services.db, input.name)
    const rows = await ctx.services.db.lifecycle.listForDecky(decky.name, input.limit)
    return { rows: rows.map(toHistoryEntry) }
  })
