import { router } from '../../trpc.ts'
import { getAttackerProcedure } from './get.ts'
import { attackerIdentityProcedure } from './identity.ts'
import { attackerIntelProcedure } from './intel.ts'
import { listAttackersProcedure } from './list.ts'
import { attackerPathProcedure } from './path.ts'
import { attackerSessionsProcedure } from './sessions.ts'

export const attackersRouter = router({
  list: listAttackersProcedure,
  get: getAttackerProcedure,
  intel: attackerIntelProcedure,
  identity: attackerIdentityProcedure,
  sessions: attackerSessionsProcedure,
  path: attackerPathProcedure,
})
