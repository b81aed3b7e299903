import { createHash } from 'node:crypto'

/**
 * Deterministic randomness derived from a per-decky seed: the same decky always shows the same
 * persona, two deckies never share one, and nothing ships a fixed (fingerprintable) default.
 * SHA-256 in counter mode: slow-ish but only used at start-up and for content generation.
 */
export type SeededRandom = {
  /** Uniform float in [0, 1). */
  next(): number
  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number
  pick<T>(items: readonly T[]): T
  /** `count` distinct items in random order (fewer if the list is shorter). */
  sample<T>(items: readonly T[], count: number): T[]
  hex(length: number): string
  bytes(length: number): Buffer
  /** An independent stream for one purpose, so adding draws in one place never shifts another. */
  fork(label: string): SeededRandom
}

export function seededRandom(seed: string): SeededRandom {
  let counter = 0
  let pool = Buffer.alloc(0)
  const bytes = (length: number): Buffer => {
    while (pool.length < length) {
      const block = createHash('sha256').update(seed).update('\0').update(String(counter++)).digest()
      pool = Buffer.concat([pool, block])
    }
    const out = pool.subarray(0, length)
    pool = pool.subarray(length)
    return Buffer.from(out)
  }
  const next = (): number => bytes(6).readUIntBE(0, 6) / 2 ** 48
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  const random: SeededRandom = {
    next,
    int,
    pick: (items) => {
      if (items.length === 0) throw new Error('seededRandom.pick: empty list')
      return items[int(0, items.length - 1)] as (typeof items)[number]
    },
    sample: (items, count) => {
      const copy = [...items]
      for (let i = copy.length - 1; i > 0; i--) {
        const j = int(0, i)
        ;[copy[i], copy[j]] = [copy[j] as (typeof copy)[number], copy[i] as (typeof copy)[number]]
      }
      return copy.slice(0, count)
    },
    hex: (length) =>
      bytes(Math.ceil(length / 2))
        .toString('hex')
        .slice(0, length),
    bytes,
    fork: (label) => seededRandom(`${seed}/${label}`),
  }
  return random
}
