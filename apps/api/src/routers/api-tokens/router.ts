import { router } from '../../trpc.ts'
import { createApiTokenProcedure } from './create.ts'
import { listApiTokensProcedure } from './list.ts'
import { revokeApiTokenProcedure } from './revoke.ts'

export const apiTokensRouter = router({
  list: listApiTokensProcedure,
  create: createApiTokenProcedure,
  revoke: revokeApiTokenProcedure,
})
