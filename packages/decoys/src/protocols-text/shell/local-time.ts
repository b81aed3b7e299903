import { MONTH_NAMES, zoneParts } from '../zone-clock.ts'

/** Wall-clock parts in the persona's time zone: the shell shows local time, like the machine would. */
export type LocalTime = {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  /** `Mon`…`Sun`. */
  weekday: string
  /** `Jan`…`Dec`. */
  monthName: string
  /** Zone abbreviation as `date` prints it (`CET`, `UTC`, or `+03` where the zone has none). */
  zone: string
}

/** Locales whose CLDR data carry the tzdata abbreviation of their region's zones (CET, CST, IST, AEST). */
const ZONE_NAME_LOCALES = ['en-US', 'en-GB', 'en-IN', 'en-AU']

/** tzdata abbreviations CLDR's English locales do not name. */
const ZONE_ABBREVIATIONS: Record<string, [string, string]> = {
  'Asia/Tokyo': ['JST', 'JST'],
  'Asia/Seoul': ['KST', 'KST'],
  'Asia/Shanghai': ['CST', 'CST'],
  'Asia/Hong_Kong': ['HKT', 'HKT'],
  'Europe/Moscow': ['MSK', 'MSK'],
  'Asia/Jerusalem': ['IST', 'IDT'],
  'Africa/Johannesburg': ['SAST', 'SAST'],
  'Pacific/Auckland': ['NZST', 'NZDT'],
}

export function localTime(epochMs: number, timeZone: string): LocalTime {
  const parts = zoneParts(epochMs, timeZone)
  const month = Number(parts.month)
  return {
    year: Number(parts.year),
    month,
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: parts.weekday ?? 'Mon',
    monthName: MONTH_NAMES[month - 1] ?? 'Jan',
    zone: zoneAbbreviation(epochMs, timeZone, parts.timeZoneName ?? 'UTC'),
  }
}

function zoneAbbreviation(epochMs: number, timeZone: string, usName: string): string {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 'UTC'
  let name = usName
  for (const locale of ZONE_NAME_LOCALES) {
    if (!name.startsWith('GMT') || name === 'GMT') break
    name = zoneParts(epochMs, timeZone, 'short', locale).timeZoneName ?? name
  }
  if (!name.startsWith('GMT') || name === 'GMT') return name
  const known = ZONE_ABBREVIATIONS[timeZone]
  // Offsets in standard time are the smaller of January's and July's.
  if (known) {
    const january = offsetMinutes(Date.UTC(new Date(epochMs).getUTCFullYear(), 0, 1), timeZone)
    return offsetMinutes(epochMs, timeZone) === january ? known[0] : known[1]
  }
  // tzdata names zones without an abbreviation by their offset: `+03`, `-0330`.
  return name.replace(
    /^GMT([+-])(\d{1,2})(?::(\d\d))?$/,
    (_m, sign: string, h: string, m?: string) => `${sign}${h.padStart(2, '0')}${m ?? ''}`,
  )
}

export function offsetMinutes(epochMs: number, timeZone: string): number {
  const parts = zoneParts(epochMs, timeZone)
  const local = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour) % 24,
    Number(parts.minute),
  )
  return Math.round((local - Math.floor(epochMs / 60_000) * 60_000) / 60_000)
}

const two = (n: number) => String(n).padStart(2, '0')

/** `HH:MM:SS`. */
export function clockOf(time: LocalTime): string {
  return `${two(time.hour)}:${two(time.minute)}:${two(time.second)}`
}

/**
 * `ls -l`'s date column: `Mar 14 09:12` for files of the last six months, `Mar 14  2023` for older
 * (or future) ones, as coreutils and busybox print it.
 */
export function lsDate(fileMs: number, nowMs: number, timeZone: string): string {
  const time = localTime(fileMs, timeZone)
  const day = String(time.day).padStart(2, ' ')
  const recent = fileMs <= nowMs && nowMs - fileMs < 182.5 * 86_400_000
  return recent
    ? `${time.monthName} ${day} ${two(time.hour)}:${two(time.minute)}`
    : `${time.monthName} ${day}  ${time.year}`
}

/** `date`'s default output: `Thu Dec  3 13:02:11 CET 2026`. */
export function dateOutput(nowMs: number, timeZone: string): string {
  const time = localTime(nowMs, timeZone)
  return `${time.weekday} ${time.monthName} ${String(time.day).padStart(2, ' ')} ${clockOf(time)} ${time.zone} ${time.year}`
}
