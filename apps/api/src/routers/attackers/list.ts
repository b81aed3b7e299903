import { toEnrichmentOutput } from '../../attackers/enrichment-output.ts'
import { assertSearchAllowed } from '../../logs/search-rate-limit.ts'
import { viewerProcedure } from '../../trpc.ts'
import { toAttackerOutput } from './attacker-output.ts'
import { ZListAttackersInput, ZListAttackersOutput } from './list.types.ts'

export const listAttackersProcedure = viewerProcedure
  .input(ZListAttackersInput)
  .output(ZListAttackersOutput)
  .query(async ({ ctx, input }) => {
    assertSearchAllowed(ctx)
    const result = await ctx.services.db.attackers.list(input)
    const enrichment = await ctx.services.db.enrichment.forIps(result.rows.map((row) => row.ip))
    return {
      total: result.total,
      rows: result.rows.map((row) => ({
        ...toAttackerOutput(row),
        enrichment: toEnrichmentOutput(row.ip, enrichment.get(row.ip)),
      })),
      ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}),
    }
  })
