import { router } from '../../trpc.ts'
import { getHealthProcedure } from './get-health.ts'

export const healthRouter = router({
  get: getHealthProcedure,
})
