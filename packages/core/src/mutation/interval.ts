// Mutation intervals: "<n><unit>" strings (what operators type) converted to whole minutes.
import { DecnetError, quote } from '../errors.ts'

export const INTERVAL_UNIT_MINUTES = {
  m: 1,
  h: 60,
  d: 1440,
  w: 10080,
  M: 43200,
  y: 525600,
} as const
export type IntervalUnit = keyof typeof INTERVAL_UNIT_MINUTES

/** Ten years: anything longer is almost certainly a typo and risks overflow downstream. */
export const MAX_INTERVAL_MINUTES = 10 * INTERVAL_UNIT_MINUTES.y

/** "30m", "2h", "1d", "1w", "1M", "1y" as an HTML `pattern` (implicitly anchored); INTERVAL_RE is built from it. */
export const INTERVAL_PATTERN = '([1-9][0-9]{0,6})([mhdwMy])'
export const INTERVAL_RE = new RegExp(`^${INTERVAL_PATTERN}$`)

export type IntervalResult = { ok: true; minutes: number } | { ok: false; reason: string }

/** Non-throwing form for callers that attach their own location to the error. */
export function checkInterval(text: string): IntervalResult {
  const match = INTERVAL_RE.exec(text.trim())
  if (!match) {
    return {
      ok: false,
      reason: `${quote(text)} is not an interval like 30m, 2h, 1d, 1w, 1M or 1y (positive number + unit)`,
    }
  }
  const minutes = Number(match[1]) * INTERVAL_UNIT_MINUTES[match[2] as IntervalUnit]
  if (minutes > MAX_INTERVAL_MINUTES) {
    return { ok: false, reason: `${quote(text)} is longer than the maximum of 10y` }
  }
  return { ok: true, minutes }
}

/** `null` means "off" and stays null; anything else must be a valid interval string. */
export function parseInterval(text: string | null): number | null {
  if (text === null) return null
  const result = checkInterval(text)
  if (!result.ok) throw new DecnetError('invalid_input', `invalid interval: ${result.reason}`)
  return result.minutes
}

/** The shortest exact "<n><unit>" for a number of minutes (inverse of parseInterval). */
export function formatInterval(minutes: number | null): string | null {
  if (minutes === null) return null
  const units = Object.entries(INTERVAL_UNIT_MINUTES).reverse() as [IntervalUnit, number][]
  for (const [unit, size] of units) {
    if (minutes % size === 0) return `${minutes / size}${unit}`
  }
  return `${minutes}m`
}
