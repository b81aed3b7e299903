import { toCredentialSummaryOutput } from '../../intel/correlation-output.ts'
import { revealsSecrets } from '../../logs/secret-mask.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZCredentialsInput, ZCredentialsOutput } from './correlation.types.ts'

/** Fleet-wide credentials: reused ones (several deckies or addresses) or the most tried. */
export const credentialsProcedure = viewerProcedure
  .input(ZCredentialsInput)
  .output(ZCredentialsOutput)
  .query(async ({ ctx, input }) => {
    const result = await ctx.services.db.correlation.credentials(input)
    const reveal = revealsSecrets(ctx.session.user)
    return { ...result, rows: result.rows.map((row) => toCredentialSummaryOutput(row, reveal)) }
  })
