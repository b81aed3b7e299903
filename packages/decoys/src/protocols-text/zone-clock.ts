// The wall clock of an instant in a time zone, as ICU reads tzdata: the one place the decoys ask
// Intl for it (formatters cached per zone, zone-name style and locale), and the English names of
// months and weekdays that servers print.

export const MONTH_NAMES = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const
export const WEEKDAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const

/** How the zone is named: an abbreviation where the locale has one (`CET`, else `GMT+3`), or `GMT+01:00`. */
export type ZoneNameStyle = 'short' | 'longOffset'

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string, zoneName: ZoneNameStyle, locale: string): Intl.DateTimeFormat {
  const key = `${timeZone} ${zoneName} ${locale}`
  let cached = formatters.get(key)
  if (!cached) {
    try {
      cached = new Intl.DateTimeFormat(locale, {
        timeZone,
        timeZoneName: zoneName,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        weekday: 'short',
      })
    } catch {
      // An unknown zone must not take the service down: UTC, as a host without tzdata would print.
      cached = formatter('UTC', zoneName, locale)
    }
    formatters.set(key, cached)
  }
  return cached
}

/**
 * The fields of `epochMs` in `timeZone` as text: `year`, `month` (1-12), `day`, `hour` (0-23),
 * `minute`, `second`, `weekday` (`Mon`) and `timeZoneName` in the asked style.
 */
export function zoneParts(
  epochMs: number,
  timeZone: string,
  zoneName: ZoneNameStyle = 'short',
  locale = 'en-US',
): Record<string, string> {
  const parts: Record<string, string> = {}
  for (const part of formatter(timeZone, zoneName, locale).formatToParts(new Date(epochMs)))
    parts[part.type] = part.value
  return parts
}
