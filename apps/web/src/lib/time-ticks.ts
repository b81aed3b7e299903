// Axis ticks for a time window: round instants (every 5 min, every hour, every day …) at a spacing that
// leaves room for their labels, labelled in UTC like every time in the console.

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const STEPS = [
  SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  30 * DAY,
  90 * DAY,
  365 * DAY,
]

export interface TimeTick {
  t: number
  label: string
}

/** Ticks between `from` and `to` (ms), at most `maxTicks` of them, each labelled. */
export function timeTicks(from: number, to: number, maxTicks: number): TimeTick[] {
  if (!(to > from) || maxTicks < 1) return []
  const span = to - from
  const step = STEPS.find((s) => span / s <= maxTicks) ?? STEPS[STEPS.length - 1] ?? DAY
  const ticks: TimeTick[] = []
  // Steps of a day or more fall on UTC midnights; shorter ones on multiples of themselves.
  const unit = Math.min(step, DAY)
  let t = Math.ceil(from / unit) * unit
  if (step > DAY) t = Math.ceil(from / step) * step
  for (; t <= to && ticks.length <= maxTicks; t += step) {
    ticks.push({ t, label: tickLabel(t, step, ticks.length === 0) })
  }
  return ticks
}

function tickLabel(t: number, step: number, first: boolean): string {
  const iso = new Date(t).toISOString()
  const date = iso.slice(5, 10) // MM-DD
  const time = iso.slice(11, step < MINUTE ? 19 : 16) // HH:MM, or HH:MM:SS for ticks under a minute
  if (step >= DAY) return date
  // A day's first tick (and the axis' first) says which day; the rest only the time.
  return first || t % DAY === 0 ? `${date} ${time}` : time
}
