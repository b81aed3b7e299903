import { healthReport } from '../../health/health-report.ts'
import { publicProcedure } from '../../trpc.ts'
import { ZGetHealthInput, ZGetHealthOutput } from './get-health.types.ts'

/** Public on purpose (load balancers, the login page): it reveals states, never secrets or counts. */
export const getHealthProcedure = publicProcedure
  .input(ZGetHealthInput)
  .output(ZGetHealthOutput)
  .query(({ ctx }) => healthReport(ctx.services, ctx.session !== null))
