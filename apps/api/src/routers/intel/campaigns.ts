import { toCampaignOutput } from '../../intel/correlation-output.ts'
import { revealsSecrets } from '../../logs/secret-mask.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZCampaignsOutput, ZPageInput } from './correlation.types.ts'

/** Campaigns (identities sharing indicators and techniques), most addresses first. */
export const campaignsProcedure = viewerProcedure
  .input(ZPageInput)
  .output(ZCampaignsOutput)
  .query(async ({ ctx, input }) => {
    const result = await ctx.services.db.correlation.campaigns(input)
    const reveal = revealsSecrets(ctx.session.user)
    return {
      ...result,
      rows: result.rows.map((row) => ({ ...toCampaignOutput(row, reveal), identities: row.identities })),
    }
  })
