import { router } from '../../trpc.ts'
import { correlationProcedures } from './correlation.ts'

export const intelRouter = router({
  ...correlationProcedures,
})
