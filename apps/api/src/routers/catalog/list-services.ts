import { SERVICES } from '@decnet/core'
import { viewerProcedure } from '../../trpc.ts'
import { ZListServicesInput, ZListServicesOutput } from './list-services.types.ts'

export const listServicesProcedure = viewerProcedure
  .input(ZListServicesInput)
  .output(ZListServicesOutput)
  .query(() => SERVICES.map((entry) => ({ ...entry })))
