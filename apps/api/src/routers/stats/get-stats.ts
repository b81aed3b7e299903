import { viewerProcedure } from '../../trpc.ts'
import { ZGetStatsInput, ZGetStatsOutput } from './get-stats.types.ts'

export const getStatsProcedure = viewerProcedure
  .input(ZGetStatsInput)
  .output(ZGetStatsOutput)
  .query(async ({ ctx }) => {
    const { db } = ctx.services
    const [deckies, deckiesUp, counts, attackers] = await Promise.all([
      db.fleet.count(),
      db.fleet.countByState('running'),
      db.logs.counts(),
      db.attackers.count(),
    ])
    return { deckies, deckiesUp, logs: counts.logs, logs24h: counts.logs24h, attackers }
  })
