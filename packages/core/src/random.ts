// Randomness is always injected (a `() => number` in [0, 1), like Math.random) so plans and
// mutations are reproducible in tests and the domain stays free of hidden global state.

export type RandomSource = () => number

/** mulberry32: a tiny, fast, well-distributed 32-bit PRNG; good enough for cosmetic choices. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Uniform integer in [min, max] inclusive. */
export function randomInt(random: RandomSource, min: number, max: number): number {
  const r = random()
  // Clamp guards against a misbehaving source returning exactly 1.
  const offset = Math.min(Math.floor(r * (max - min + 1)), max - min)
  return min + Math.max(0, offset)
}

export function pickOne<T>(random: RandomSource, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError('pickOne: empty list')
  return items[randomInt(random, 0, items.length - 1)] as T
}

/** `count` distinct items, uniformly (partial Fisher-Yates over a copy). */
export function sampleDistinct<T>(random: RandomSource, items: readonly T[], count: number): T[] {
  const pool = [...items]
  const n = Math.min(count, pool.length)
  for (let i = 0; i < n; i++) {
    const j = randomInt(random, i, pool.length - 1)
    const tmp = pool[i] as T
    pool[i] = pool[j] as T
    pool[j] = tmp
  }
  return pool.slice(0, n)
}

/** FNV-1a 32-bit: deterministic string hash for stable derived values (MACs). */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash >>> 0
}

/**
 * sfc32 seeded with 128 bits: a reproducible source whose seed cannot be recovered by trying every
 * value (a 32-bit seed could be, from one decky's drawn MAC or host name, predicting the rest of
 * its fleet). `words` are four 32-bit integers.
 */
export function seededRandom128(words: readonly [number, number, number, number]): RandomSource {
  let [a, b, c, d] = words.map((word) => word >>> 0) as [number, number, number, number]
  const next = () => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  // Mix the seed in before the first value is used (similar seeds would start alike).
  for (let i = 0; i < 15; i++) next()
  return next
}

/** 32 lower-case hex digits (128 bits) drawn from `random`. */
export function randomHex128(random: RandomSource): string {
  let hex = ''
  for (let i = 0; i < 4; i++)
    hex += Math.floor(random() * 0x100000000)
      .toString(16)
      .padStart(8, '0')
  return hex
}
