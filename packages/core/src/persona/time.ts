// Time as a persona lives it: machines reboot on their own patch cycle, so uptime grows from the
// last boot and starts over at the next; the load average wanders smoothly around the persona's
// typical load and rises from zero just after a boot, like a real one-, five- and fifteen-minute mean.
import type { Persona } from '../schemas/persona.ts'
import { personaUnit } from './keyed.ts'

const DAY = 86_400

/** Days between reboots for this persona (patch cycles: 30–120 days). */
function rebootCycleSeconds(persona: Pick<Persona, 'seed'>): number {
  return Math.round((30 + personaUnit(persona, 'reboot-cycle') * 90) * DAY)
}

/** Seconds since the persona's most recent boot at `nowMs` (never negative). */
export function uptimeSeconds(persona: Pick<Persona, 'seed' | 'bootTime'>, nowMs: number): number {
  const sinceFirstBoot = Math.floor(nowMs / 1000) - persona.bootTime
  if (sinceFirstBoot <= 0) return 0
  return sinceFirstBoot % rebootCycleSeconds(persona)
}

/** Epoch seconds of the most recent boot at `nowMs`. */
export function lastBootTime(persona: Pick<Persona, 'seed' | 'bootTime'>, nowMs: number): number {
  return Math.floor(nowMs / 1000) - uptimeSeconds(persona, nowMs)
}

/** Smooth pseudo-random noise in [-1, 1] over time (cosine-interpolated lattice keyed by the seed). */
function noise(persona: Pick<Persona, 'seed'>, label: string, t: number): number {
  const i = Math.floor(t)
  const f = t - i
  const a = personaUnit(persona, `${label}:${i}`) * 2 - 1
  const b = personaUnit(persona, `${label}:${i + 1}`) * 2 - 1
  const w = (1 - Math.cos(f * Math.PI)) / 2
  return a * (1 - w) + b * w
}

/** `[1 min, 5 min, 15 min]` load averages at `nowMs`, two decimals, as /proc/loadavg prints them. */
export function loadAverage(
  persona: Pick<Persona, 'seed' | 'bootTime' | 'loadBase'>,
  nowMs: number,
): [number, number, number] {
  const uptime = uptimeSeconds(persona, nowMs)
  const minutes = nowMs / 60_000
  const base = persona.loadBase
  const level = (window: number, scale: number) => {
    const wander = noise(persona, `load${window}`, minutes / scale)
    const value = base * (1 + 0.6 * wander)
    // An exponentially damped mean starts from zero at boot.
    const warm = 1 - Math.exp(-uptime / (window * 60))
    return Math.max(0, Math.round(value * warm * 100) / 100)
  }
  return [level(1, 3), level(5, 12), level(15, 40)]
}
