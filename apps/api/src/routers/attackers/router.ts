import { router } from '../../trpc.ts'
import { getAttackerProcedure } from './get.ts'
import { attackerIntelProcedure } from './intel.ts'
import { listAttackersProcedure } from './list.ts'

export const attackersRouter = router({
  list: listAttackersProcedure,
  get: getAttackerProcedure,
  intel: attackerIntelProcedure,
})
