// `date` as scripts call it: `+FORMAT` (epoch seconds, ISO dates, RFC 5322 …), `-R`, `-I`, `-u`, in the
// persona's zone. A script reading `date +%s` must get a number: the default output there is a tell.
import { dateOutput, type LocalTime, localTime, offsetMinutes } from './local-time.ts'

const two = (n: number) => String(n).padStart(2, '0')

function numericZone(epochMs: number, timeZone: string): string {
  const offset = timeZone === 'UTC' ? 0 : offsetMinutes(epochMs, timeZone)
  const sign = offset < 0 ? '-' : '+'
  const abs = Math.abs(offset)
  return `${sign}${two(Math.floor(abs / 60))}${two(abs % 60)}`
}

function formatDate(format: string, epochMs: number, timeZone: string): string {
  const t: LocalTime = localTime(epochMs, timeZone)
  const spec: Record<string, () => string> = {
    s: () => String(Math.floor(epochMs / 1000)),
    Y: () => String(t.year),
    y: () => two(t.year % 100),
    m: () => two(t.month),
    d: () => two(t.day),
    e: () => String(t.day).padStart(2, ' '),
    H: () => two(t.hour),
    M: () => two(t.minute),
    S: () => two(t.second),
    F: () => `${t.year}-${two(t.month)}-${two(t.day)}`,
    T: () => `${two(t.hour)}:${two(t.minute)}:${two(t.second)}`,
    R: () => `${two(t.hour)}:${two(t.minute)}`,
    D: () => `${two(t.month)}/${two(t.day)}/${two(t.year % 100)}`,
    a: () => t.weekday,
    b: () => t.monthName,
    h: () => t.monthName,
    Z: () => t.zone,
    z: () => numericZone(epochMs, timeZone),
    n: () => '\n',
    t: () => '\t',
    '%': () => '%',
  }
  // An unknown conversion is printed as written, as GNU date does.
  return format.replace(/%(.)/g, (whole, letter: string) => spec[letter]?.() ?? whole)
}

/** The output of `date <args>` at `nowMs` on a machine in `timeZone`. */
export function dateCommand(args: readonly string[], nowMs: number, timeZone: string): string {
  let zone = timeZone
  let format: string | undefined
  for (const arg of args) {
    if (arg === '-u' || arg === '--utc' || arg === '--universal') zone = 'UTC'
    else if (arg === '-R' || arg === '--rfc-email' || arg === '--rfc-2822') format = '%a, %d %b %Y %T %z'
    else if (arg === '-I' || arg === '--iso-8601' || arg === '--iso-8601=date') format = '%F'
    else if (arg === '--iso-8601=seconds' || arg === '-Iseconds') format = '%FT%T%:z'
    else if (arg.startsWith('+')) format = arg.slice(1)
  }
  if (format === undefined) return `${dateOutput(nowMs, zone)}\n`
  const withColonZone = format.replaceAll('%:z', () => {
    const z = numericZone(nowMs, zone)
    return `${z.slice(0, 3)}:${z.slice(3)}`
  })
  return `${formatDate(withColonZone, nowMs, zone)}\n`
}
