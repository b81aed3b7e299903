import { publicConfigField, SERVICES } from '@decnet/core'
import { viewerProcedure } from '../../trpc.ts'
import { ZListServicesInput, ZListServicesOutput } from './list-services.types.ts'

/** The service catalogue; defaults of secret settings are withheld (see catalog.secretDefault). */
export const listServicesProcedure = viewerProcedure
  .input(ZListServicesInput)
  .output(ZListServicesOutput)
  .query(() => SERVICES.map((entry) => ({ ...entry, config: entry.config.map(publicConfigField) })))
