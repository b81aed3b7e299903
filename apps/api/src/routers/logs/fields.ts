import { searchKeys } from '../../logs/field-keys.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZLogFieldsInput, ZLogFieldsOutput } from './fields.types.ts'

/** The keys the search box completes: the grammar's own and the fields recent events captured. */
export const logFieldsProcedure = viewerProcedure
  .input(ZLogFieldsInput)
  .output(ZLogFieldsOutput)
  .query(async ({ ctx }) => ({ keys: await searchKeys(ctx.services.db) }))
