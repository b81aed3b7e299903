import type { Persona } from '@decnet/core/schemas'
import { type SeededRandom, seededRandom } from '../../framework/random.ts'

/**
 * The persona's time-dependent facts and keyed streams, as the shell reads them. Until the core
 * helpers land these derive them the same way (from boot time, load base and seed).
 */

/** Seconds since boot at `nowMs`. */
export function uptimeAt(persona: Persona, nowMs: number): number {
  return Math.max(0, nowMs / 1000 - persona.bootTime)
}

/** Epoch milliseconds of the boot the host is running since, at `nowMs`. */
export function lastBootMs(persona: Persona, nowMs: number): number {
  return nowMs - Math.floor(uptimeAt(persona, nowMs)) * 1000
}

/** 1, 5 and 15-minute load averages at `nowMs`: wander around the persona's base, smoothly in time. */
export function loadAt(persona: Persona, nowMs: number): [number, number, number] {
  const phase = Number.parseInt(persona.seed.slice(0, 6), 16) / 0xffffff
  const at = (minutes: number) => {
    const t = nowMs / 60_000 / minutes
    const wave = Math.sin(t + phase * 6.28) * 0.35 + Math.sin(t * 2.7 + phase * 17) * 0.15
    return Math.max(0, persona.loadBase * (1 + wave))
  }
  return [at(1), at(5), at(15)]
}

/** An independent deterministic stream for one purpose of one persona (never the seed itself). */
export function personaStream(persona: Persona, label: string): SeededRandom {
  return seededRandom(`${persona.seed}/shell/${label}`)
}
