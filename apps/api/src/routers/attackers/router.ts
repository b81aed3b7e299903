import { router } from '../../trpc.ts'
import { getAttackerProcedure } from './get.ts'
import { listAttackersProcedure } from './list.ts'
import { attackerSessionsProcedure } from './sessions.ts'

export const attackersRouter = router({
  list: listAttackersProcedure,
  get: getAttackerProcedure,
  sessions: attackerSessionsProcedure,
})
