import { requireAttackerIdentity } from '../../intel/attacker-identity.ts'
import { toIdentityDetailOutput } from '../../intel/correlation-output.ts'
import { revealsSecrets } from '../../logs/secret-mask.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZAttackerIdentityInput, ZAttackerIdentityOutput } from '../intel/correlation.types.ts'

/** The identity an attacker belongs to (its addresses, the evidence) and that identity's campaign. */
export const attackerIdentityProcedure = viewerProcedure
  .input(ZAttackerIdentityInput)
  .output(ZAttackerIdentityOutput)
  .query(async ({ ctx, input }) =>
    toIdentityDetailOutput(
      await requireAttackerIdentity(ctx.services.db, input.id),
      revealsSecrets(ctx.session.user),
    ),
  )
