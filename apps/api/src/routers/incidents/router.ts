import { router } from '../../trpc.ts'
import { acknowledgeIncidentProcedure } from './acknowledge.ts'
import { addIgnoreRuleProcedure } from './add-ignore-rule.ts'
import { getIncidentProcedure } from './get.ts'
import { listIncidentsProcedure } from './list.ts'
import { listIgnoreRulesProcedure } from './list-ignore-rules.ts'
import { onNewIncidentProcedure } from './on-new.ts'
import { removeIgnoreRuleProcedure } from './remove-ignore-rule.ts'
import { resolveIncidentProcedure } from './resolve.ts'

export const incidentsRouter = router({
  list: listIncidentsProcedure,
  get: getIncidentProcedure,
  acknowledge: acknowledgeIncidentProcedure,
  resolve: resolveIncidentProcedure,
  onNew: onNewIncidentProcedure,
  ignoreRules: router({
    list: listIgnoreRulesProcedure,
    add: addIgnoreRuleProcedure,
    remove: removeIgnoreRuleProcedure,
  }),
})
