// Operators' review of an incident: acknowledge (open → acknowledged) and resolve (open or
// acknowledged → resolved), each with an optional note, recording who did it. Anything else is a
// CONFLICT that says why; new activity reopens an incident (the grouping worker does that).
import type { IncidentState } from '@decnet/core'
import { AppError } from '../app-error.ts'
import type { ApiServices } from '../context.ts'
import { createSerialQueue } from '../serial.ts'
import { requireIncident } from './incident-queries.ts'

export type ReviewAction = 'acknowledge' | 'resolve'

/** The states each action may start from. */
const REVIEWABLE_FROM: Readonly<Record<ReviewAction, readonly IncidentState[]>> = {
  acknowledge: ['open'],
  resolve: ['open', 'acknowledged'],
}

/** Why `action` cannot apply to an incident in `state`, or null when it can. */
export function reviewRefusal(action: ReviewAction, state: IncidentState): string | null {
  if (REVIEWABLE_FROM[action].includes(state)) return null
  if (action === 'acknowledge' && state === 'acknowledged') return 'it is already acknowledged'
  if (state === 'resolved') return 'it is resolved (new activity from its source reopens it)'
  return `it is ${state}`
}

// Check-then-write runs one at a time, so two operators acting on one incident at once cannot both
// pass the state check (the repository re-checks "resolved" inside its own transaction as well).
const serialiseReviews = createSerialQueue()

/** Applies `action` to incident `input.id` as `actor`; the incident as it now is. */
export function reviewIncident(
  db: ApiServices['db'],
  actor: string,
  action: ReviewAction,
  input: { id: string; note?: string | undefined },
) {
  return serialiseReviews(async () => {
    const incident = await requireIncident(db, input.id)
    const refusal = reviewRefusal(action, incident.state)
    if (refusal) throw new AppError('conflict', `cannot ${action} incident ${input.id}: ${refusal}`)
    const note = input.note?.trim() ? input.note.trim() : null
    const updated =
      action === 'acknowledge'
        ? await db.incidents.acknowledge(incident.id, actor, note)
        : await db.incidents.resolve(incident.id, actor, note)
    await db.audit.append({
      actor,
      action: `incident.${action === 'acknowledge' ? 'acknowledged' : 'resolved'}`,
      target: incident.id,
      detail: { attackerIp: incident.attackerIp, from: incident.state, ...(note ? { note } : {}) },
    })
    return updated
  })
}
