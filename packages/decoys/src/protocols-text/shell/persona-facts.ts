import { lastBootTime, loadAverage, personaValue, uptimeSeconds } from '@decnet/core/persona'
import type { Persona } from '@decnet/core/schemas'
import { type SeededRandom, seededRandom } from '../../framework/random.ts'

/**
 * The persona's time-dependent facts and keyed streams as the shell reads them, all from the core
 * persona helpers, so the shell's uptime and load are the ones every other service of the decky shows.
 */

/** Seconds since the latest boot at `nowMs` (with the sub-second part /proc/uptime prints). */
export function uptimeAt(persona: Persona, nowMs: number): number {
  return uptimeSeconds(persona, nowMs) + (nowMs % 1000) / 1000
}

/** Epoch milliseconds of the boot the host is running since, at `nowMs`. */
export function lastBootMs(persona: Persona, nowMs: number): number {
  return lastBootTime(persona, nowMs) * 1000
}

/** 1, 5 and 15-minute load averages at `nowMs`. */
export function loadAt(persona: Persona, nowMs: number): [number, number, number] {
  return loadAverage(persona, nowMs)
}

/** A deterministic stream for one purpose of one persona: keyed by the seed, never the seed itself. */
export function personaStream(persona: Persona, label: string): SeededRandom {
  return seededRandom(personaValue(persona, `shell/${label}`))
}
