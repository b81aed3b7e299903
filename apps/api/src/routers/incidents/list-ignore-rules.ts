import { listIgnoreRules } from '../../incidents/ignore-rules.ts'
import { ZNoInput } from '../../no-input.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZListIgnoreRulesOutput } from './list-ignore-rules.types.ts'

export const listIgnoreRulesProcedure = viewerProcedure
  .input(ZNoInput)
  .output(ZListIgnoreRulesOutput)
  .query(({ ctx }) => listIgnoreRules(ctx.services.db))
