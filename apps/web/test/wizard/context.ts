// A DraftContext built from core's catalogue (what the API's catalog router serves) and a fleet.
import { ARCHETYPES, getService, SERVICES } from '@decnet/core'
import { type Draft, initialDraft } from '@/app/(console)/fleet/deploy/wizard/draft.ts'
import type { DraftContext } from '@/app/(console)/fleet/deploy/wizard/plan.ts'

export function contextWith(taken: readonly string[] = []): DraftContext {
  return { services: SERVICES, archetypes: ARCHETYPES, taken: new Set(taken) }
}

/** A draft that validates cleanly: one http decky named by prefix. */
export function draftWith(patch: Partial<Draft> = {}): Draft {
  return { ...initialDraft, pickMode: 'services', picked: ['http'], prefix: 'web', ...patch }
}

export function fieldLabel(slug: string, key: string): string {
  const field = getService(slug)?.config.find((f) => f.key === key)
  if (!field) throw new Error(`test setup: ${slug} has no setting ${key}`)
  return field.label
}

export function serviceName(slug: string): string {
  const service = getService(slug)
  if (!service) throw new Error(`test setup: no service ${slug}`)
  return service.name
}
