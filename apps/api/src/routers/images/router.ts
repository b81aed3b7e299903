import { router } from '../../trpc.ts'
import { getImageRolloutProcedure } from './get.ts'
import { startRollbackProcedure } from './rollback.ts'
import { startRolloutProcedure } from './rollout.ts'
import { imagesStatusProcedure } from './status.ts'

export const imagesRouter = router({
  status: imagesStatusProcedure,
  get: getImageRolloutProcedure,
  rollout: startRolloutProcedure,
  rollback: startRollbackProcedure,
})
