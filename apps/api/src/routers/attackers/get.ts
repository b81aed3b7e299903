import { requireAttackerDetail } from '../../attackers/attacker-detail.ts'
import { toEnrichmentOutput } from '../../attackers/enrichment-output.ts'
import { revealsSecrets } from '../../logs/secret-mask.ts'
import { viewerProcedure } from '../../trpc.ts'
import { toAttackerDetailOutput } from './attacker-output.ts'
import { RECENT_LOGS, ZGetAttackerInput, ZGetAttackerOutput } from './get.types.ts'

export const getAttackerProcedure = viewerProcedure
  .input(ZGetAttackerInput)
  .output(ZGetAttackerOutput)
  .query(async ({ ctx, input }) => {
    const detail = await requireAttackerDetail(ctx.services.db, input.id, {
      recentLogs: RECENT_LOGS,
      credentialLimit: input.credentialLimit,
      ...(input.credentialCursor ? { credentialCursor: input.credentialCursor } : {}),
    })
    const { ip } = detail.attacker
    const enrichment = await ctx.services.db.enrichment.forIps([ip])
    return {
      ...toAttackerDetailOutput(detail, revealsSecrets(ctx.session.user)),
      enrichment: toEnrichmentOutput(ip, enrichment.get(ip)),
    }
  })
