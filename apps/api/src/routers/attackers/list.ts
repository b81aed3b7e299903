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
    return {
      total: result.total,
      rows: result.rows.map(toAttackerOutput),
      ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}),
    }
  })
