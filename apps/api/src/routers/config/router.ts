import { router } from '../../trpc.ts'
import { getConfigProcedure } from './get-config.ts'
import { purgeProcedure } from './purge.ts'
import { setDeploymentLimitProcedure } from './set-deployment-limit.ts'
import { setGlobalMutationIntervalProcedure } from './set-global-mutation-interval.ts'

export const configRouter = router({
  get: getConfigProcedure,
  setDeploymentLimit: setDeploymentLimitProcedure,
  setGlobalMutationInterval: setGlobalMutationIntervalProcedure,
  purge: purgeProcedure,
})
