import { addIgnoreRule } from '../../incidents/ignore-rules.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZAddIgnoreRuleInput, ZAddIgnoreRuleOutput } from './add-ignore-rule.types.ts'

export const addIgnoreRuleProcedure = adminProcedure
  .input(ZAddIgnoreRuleInput)
  .output(ZAddIgnoreRuleOutput)
  .mutation(({ ctx, input }) => addIgnoreRule(ctx.services.db, ctx.session.user.username, input))
