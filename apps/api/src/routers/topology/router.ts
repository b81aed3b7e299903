import { router } from '../../trpc.ts'
import { getTopologyProcedure } from './get.ts'

export const topologyRouter = router({
  get: getTopologyProcedure,
})
