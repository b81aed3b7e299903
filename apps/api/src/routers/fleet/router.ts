import { router } from '../../trpc.ts'
import { deployProcedure } from './deploy.ts'
import { editServicesProcedure } from './edit-services.ts'
import { exportFleetProcedure } from './export.ts'
import { getDeckyProcedure } from './get.ts'
import { historyProcedure } from './history.ts'
import { lifecycleProcedure } from './lifecycle.ts'
import { listFleetProcedure } from './list.ts'
import { mutateProcedure } from './mutate.ts'
import { mutatePreviewProcedure } from './mutate-preview.ts'
import { previewProcedure } from './preview.ts'
import { reapOrphansProcedure } from './reap-orphans.ts'
import { repairProcedure } from './repair.ts'
import { setMutateIntervalProcedure } from './set-mutate-interval.ts'
import { teardownProcedure } from './teardown.ts'
import { watchLifecycleProcedure } from './watch-lifecycle.ts'

export const fleetRouter = router({
  list: listFleetProcedure,
  get: getDeckyProcedure,
  preview: previewProcedure,
  deploy: deployProcedure,
  mutatePreview: mutatePreviewProcedure,
  mutate: mutateProcedure,
  editServices: editServicesProcedure,
  teardown: teardownProcedure,
  repair: repairProcedure,
  setMutateInterval: setMutateIntervalProcedure,
  lifecycle: lifecycleProcedure,
  history: historyProcedure,
  watchLifecycle: watchLifecycleProcedure,
  reapOrphans: reapOrphansProcedure,
  export: exportFleetProcedure,
})
