// The seed of a deploy plan: every random draw of a plan (services of a service-less decky, the fleet
// domain, each persona's seed, hence its host name and MAC) comes from it, so the plan a preview shows
// is the plan a deploy with the same seed commits, as long as the fleet did not change in between.
import { type RandomSource, randomHex128, seededRandom128 } from '../random.ts'

/** 32 lower-case hex digits (128 bits). */
export const PLAN_SEED_PATTERN = /^[0-9a-f]{32}$/

export function isPlanSeed(value: string): boolean {
  return PLAN_SEED_PATTERN.test(value)
}

/** The random source of a plan from its seed. */
export function planRandom(seed: string): RandomSource {
  if (!isPlanSeed(seed)) throw new RangeError('plan seed must be 32 lower-case hex digits')
  const words: [number, number, number, number] = [0, 0, 0, 0]
  for (let i = 0; i < 4; i++) words[i] = Number.parseInt(seed.slice(i * 8, i * 8 + 8), 16)
  return seededRandom128(words)
}

/** A fresh seed from a source of unpredictable randomness (the API passes node's crypto). */
export function drawPlanSeed(random: RandomSource): string {
  return randomHex128(random)
}
