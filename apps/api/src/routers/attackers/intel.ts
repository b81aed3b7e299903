import { requireAttackerIntel, toAttackerIntelOutput } from '../../intel/attacker-intel.ts'
import { revealsSecrets } from '../../logs/secret-mask.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZAttackerIntelInput, ZAttackerIntelOutput } from './intel.types.ts'

/** The attacker's class with its evidence, tools, fingerprints, techniques and indicators. */
export const attackerIntelProcedure = viewerProcedure
  .input(ZAttackerIntelInput)
  .output(ZAttackerIntelOutput)
  .query(async ({ ctx, input }) =>
    toAttackerIntelOutput(
      await requireAttackerIntel(ctx.services.db, input.id),
      revealsSecrets(ctx.session.user),
    ),
  )
