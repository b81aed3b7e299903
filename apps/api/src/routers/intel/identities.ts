import { toIdentityOutput } from '../../intel/correlation-output.ts'
import { revealsSecrets } from '../../logs/secret-mask.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZIdentitiesOutput, ZPageInput } from './correlation.types.ts'

/** Identities of several addresses, largest first. */
export const identitiesProcedure = viewerProcedure
  .input(ZPageInput)
  .output(ZIdentitiesOutput)
  .query(async ({ ctx, input }) => {
    const result = await ctx.services.db.correlation.identities(input)
    const reveal = revealsSecrets(ctx.session.user)
    return { ...result, rows: result.rows.map((row) => ({ ...toIdentityOutput(row, reveal), ips: row.ips })) }
  })
