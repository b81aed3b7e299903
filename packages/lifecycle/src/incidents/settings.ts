// The grouping worker's operator settings, stored under one Setting key (read at every step, so a
// change applies without a restart).
import type { DecnetDatabase } from '@decnet/db'
import { z } from 'zod'

export const INCIDENT_SETTINGS_KEY = 'incidents'

export const ZIncidentSettings = z.object({
  /** An IP quiet for longer than this starts a new incident. */
  quietWindowMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60),
  /** After an alert, later activity on the same incident is sent as at most one digest per this long. */
  digestThrottleMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
})
export type IncidentSettings = z.infer<typeof ZIncidentSettings>

export const DEFAULT_INCIDENT_SETTINGS: IncidentSettings = {
  quietWindowMinutes: 30,
  digestThrottleMinutes: 15,
}

/** Stored settings over the defaults; an invalid stored field falls back to its default. */
export async function readIncidentSettings(
  settings: Pick<DecnetDatabase['settings'], 'get'>,
): Promise<IncidentSettings> {
  const stored = await settings.get(INCIDENT_SETTINGS_KEY)
  const result = { ...DEFAULT_INCIDENT_SETTINGS }
  if (typeof stored !== 'object' || stored === null) return result
  for (const key of Object.keys(result) as (keyof IncidentSettings)[]) {
    const field = ZIncidentSettings.shape[key].safeParse((stored as Record<string, unknown>)[key])
    if (field.success) result[key] = field.data
  }
  return result
}

export function writeIncidentSettings(
  settings: Pick<DecnetDatabase['settings'], 'set'>,
  value: IncidentSettings,
): Promise<void> {
  return settings.set(INCIDENT_SETTINGS_KEY, ZIncidentSettings.parse(value))
}
