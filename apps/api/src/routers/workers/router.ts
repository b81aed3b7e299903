import { router } from '../../trpc.ts'
import { listWorkersProcedure } from './list.ts'
import { pauseWorkerProcedure } from './pause.ts'
import { resumeWorkerProcedure } from './resume.ts'

export const workersRouter = router({
  list: listWorkersProcedure,
  pause: pauseWorkerProcedure,
  resume: resumeWorkerProcedure,
})
