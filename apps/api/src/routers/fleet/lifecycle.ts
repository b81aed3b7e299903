import { toLifecycleOutput } from '../../fleet/lifecycle-output.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZLifecycleInput, ZLifecycleOutput } from './lifecycle.types.ts'

/** Rows for the given ids, ordered by start; unknown ids are simply omitted. */
export const lifecycleProcedure = viewerProcedure
  .input(ZLifecycleInput)
  .output(ZLifecycleOutput)
  .query(async ({ ctx, input }) => {
    const rows = await ctx.services.db.lifecycle.get(input.ids)
    rows.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.id.localeCompare(b.id))
    return { rows: rows.map(toLifecycleOutput) }
  })
