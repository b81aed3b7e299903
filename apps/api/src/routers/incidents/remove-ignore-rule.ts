import { removeIgnoreRule } from '../../incidents/ignore-rules.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZRemoveIgnoreRuleInput, ZRemoveIgnoreRuleOutput } from './remove-ignore-rule.types.ts'

export const removeIgnoreRuleProcedure = adminProcedure
  .input(ZRemoveIgnoreRuleInput)
  .output(ZRemoveIgnoreRuleOutput)
  .mutation(({ ctx, input }) => removeIgnoreRule(ctx.services.db, ctx.session.user.username, input.id))
