// Ignore rules: traffic they match opens no incident (the grouping worker applies them). Admins add
// and remove them; each change is written to the audit log with who made it.
import { type IgnoreRuleRequest, ignoreRuleValueProblem } from '@decnet/core'
import type { IgnoreRuleRow } from '@decnet/db'
import { AppError } from '../app-error.ts'
import type { ApiServices } from '../context.ts'

export function listIgnoreRules(db: ApiServices['db']): Promise<IgnoreRuleRow[]> {
  return db.incidents.listIgnoreRules()
}

/** Adds a rule after checking its value against its kind (CIDR, catalogue service, decky name, scanner). */
export async function addIgnoreRule(
  db: ApiServices['db'],
  actor: string,
  request: IgnoreRuleRequest,
): Promise<IgnoreRuleRow> {
  const problem = ignoreRuleValueProblem(request.kind, request.value)
  if (problem) throw new AppError('invalid_input', problem)
  const note = request.note?.trim() ? request.note.trim() : null
  const rule = await db.incidents.addIgnoreRule({
    kind: request.kind,
    value: request.value,
    note,
    createdBy: actor,
  })
  await db.audit.append({
    actor,
    action: 'ignore_rule.added',
    target: rule.id,
    detail: { kind: rule.kind, value: rule.value, ...(note ? { note } : {}) },
  })
  return rule
}

export async function removeIgnoreRule(
  db: ApiServices['db'],
  actor: string,
  id: string,
): Promise<{ message: string }> {
  const removed = await db.incidents.removeIgnoreRule(id)
  if (!removed) throw new AppError('not_found', `no ignore rule with id ${id}`)
  await db.audit.append({
    actor,
    action: 'ignore_rule.removed',
    target: removed.id,
    detail: { kind: removed.kind, value: removed.value },
  })
  return { message: `removed ignore rule ${removed.kind} ${removed.value}` }
}
