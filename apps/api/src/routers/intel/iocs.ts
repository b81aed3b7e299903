import { fleetIocs } from '../../intel/fleet-intel.ts'
import { assertSearchAllowed } from '../../logs/search-rate-limit.ts'
import { revealsSecrets } from '../../logs/secret-mask.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZIocsInput, ZIocsOutput } from './iocs.types.ts'

/** Indicators left across the fleet, deduplicated, with how many attackers left each; paged. */
export const iocsProcedure = viewerProcedure
  .input(ZIocsInput)
  .output(ZIocsOutput)
  .query(({ ctx, input }) => {
    assertSearchAllowed(ctx)
    return fleetIocs(ctx.services.db, input, revealsSecrets(ctx.session.user))
  })
