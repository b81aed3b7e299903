import { secretDefault } from '@decnet/core'
import { adminProcedure } from '../../trpc.ts'
import { ZSecretDefaultInput, ZSecretDefaultOutput } from './secret-default.types.ts'

/** The default of one secret setting, which catalog.services withholds: admins only, on request. */
export const secretDefaultProcedure = adminProcedure
  .input(ZSecretDefaultInput)
  .output(ZSecretDefaultOutput)
  .query(({ input }) => ({ value: secretDefault(input.service, input.key) }))
