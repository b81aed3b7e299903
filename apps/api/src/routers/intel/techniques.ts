import { fleetTechniques } from '../../intel/fleet-intel.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZTechniquesInput, ZTechniquesOutput } from './techniques.types.ts'

/** Fleet-wide ATT&CK technique counts: attackers and sightings per technique. */
export const techniquesProcedure = viewerProcedure
  .input(ZTechniquesInput)
  .output(ZTechniquesOutput)
  .query(({ ctx }) => fleetTechniques(ctx.services.db))
