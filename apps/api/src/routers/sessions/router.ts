import { router } from '../../trpc.ts'
import { getSessionProcedure } from './get.ts'

export const sessionsRouter = router({
  get: getSessionProcedure,
})
