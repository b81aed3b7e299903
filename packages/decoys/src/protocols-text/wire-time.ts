/**
 * Dates as servers print them, in the decky's own timezone and computed at the moment of the
 * reply: a greeting date frozen at service start, or always in UTC on a Berlin host, is a tell.
 */
import { MONTH_NAMES, WEEKDAY_NAMES, zoneParts } from './zone-clock.ts'

export type ZonedTime = {
  year: number
  /** 0-11 */
  month: number
  day: number
  weekday: number
  hour: number
  minute: number
  second: number
  /** Minutes east of UTC. */
  offsetMinutes: number
}

/** The wall-clock time in `timeZone` at `nowMs`. */
export function zonedTime(nowMs: number, timeZone: string): ZonedTime {
  const parts = zoneParts(nowMs, timeZone, 'longOffset')
  const offset = /GMT([+-])(\d\d):(\d\d)/.exec(parts.timeZoneName ?? '')
  const offsetMinutes = offset
    ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]))
    : 0
  return {
    year: Number(parts.year),
    month: Number(parts.month) - 1,
    day: Number(parts.day),
    weekday: WEEKDAY_NAMES.indexOf((parts.weekday ?? 'Sun') as (typeof WEEKDAY_NAMES)[number]),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    offsetMinutes,
  }
}

const pad2 = (n: number) => String(n).padStart(2, '0')

/** `+0100`, `-0500`. */
export function numericOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+'
  const abs = Math.abs(offsetMinutes)
  return `${sign}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`
}

/**
 * RFC 2822 date: `Thu, 03 Dec 2026 13:05:22 +0100` (`padDay`, as Exim prints it) or
 * `Thu, 3 Dec 2026 13:05:22 +0100` (Sendmail, Exchange).
 */
export function rfc2822(nowMs: number, timeZone: string, padDay: boolean): string {
  const t = zonedTime(nowMs, timeZone)
  const day = padDay ? pad2(t.day) : String(t.day)
  return `${WEEKDAY_NAMES[t.weekday]}, ${day} ${MONTH_NAMES[t.month]} ${t.year} ${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)} ${numericOffset(t.offsetMinutes)}`
}

/** `13:05` in the zone (Pure-FTPd's "Local time is now"). */
export function clockTime(nowMs: number, timeZone: string): string {
  const t = zonedTime(nowMs, timeZone)
  return `${pad2(t.hour)}:${pad2(t.minute)}`
}

/** `Dec  3 13:05` as `ls -l` prints a recent date, in the zone. */
export function lsDate(ms: number, timeZone: string): string {
  const t = zonedTime(ms, timeZone)
  return `${MONTH_NAMES[t.month]} ${String(t.day).padStart(2, ' ')} ${pad2(t.hour)}:${pad2(t.minute)}`
}
