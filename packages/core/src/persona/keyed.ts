// Per-purpose values keyed by the persona seed: every key, serial, id or random stream a decky needs
// is HMAC-SHA256(seed, label), so they are stable for one decky, unrelated between labels, and two
// deckies share none of them.
import type { RandomSource } from '../random.ts'
import { fromHex, hmacSha256, toHex, utf8 } from './hash.ts'

/** Anything carrying a persona seed (a `Persona`, or the derivation input). */
export type Seeded = { readonly seed: string }

/** `bytes` bytes (default 32) keyed by the seed under `label`, as lower-case hex. */
export function personaValue(persona: Seeded, label: string, bytes = 32): string {
  return toHex(personaBytes(persona, label, bytes))
}

/** Like `personaValue`, as bytes; lengths over 32 bytes chain HMAC blocks (counter mode). */
export function personaBytes(persona: Seeded, label: string, bytes = 32): Uint8Array {
  const key = fromHex(persona.seed)
  if (bytes <= 32) return hmacSha256(key, utf8(label)).slice(0, bytes)
  const out = new Uint8Array(bytes)
  for (let block = 0, offset = 0; offset < bytes; block++, offset += 32) {
    out.set(hmacSha256(key, utf8(`${label}\u0000${block}`)).slice(0, Math.min(32, bytes - offset)), offset)
  }
  return out
}

/** A uniform float in [0, 1) keyed by the seed under `label`. */
export function personaUnit(persona: Seeded, label: string): number {
  const b = personaBytes(persona, label, 4)
  return new DataView(b.buffer, b.byteOffset, 4).getUint32(0) / 4294967296
}

/**
 * A deterministic random stream for one purpose of one decky (sfc32 seeded from the keyed hash), for
 * emulators that need many draws (file listings, process tables): same label, same stream.
 */
export function personaRandom(persona: Seeded, label: string): RandomSource {
  const b = personaBytes(persona, `random:${label}`, 16)
  const word = (i: number) =>
    (((b[i] as number) << 24) |
      ((b[i + 1] as number) << 16) |
      ((b[i + 2] as number) << 8) |
      (b[i + 3] as number)) >>>
    0
  let a = word(0)
  let bb = word(4)
  let c = word(8)
  let d = word(12)
  const next = () => {
    const t = (((a + bb) >>> 0) + d) >>> 0
    d = (d + 1) >>> 0
    a = bb ^ (bb >>> 9)
    bb = (c + (c << 3)) >>> 0
    c = ((c << 21) | (c >>> 11)) >>> 0
    c = (c + t) >>> 0
    return t
  }
  // Warm-up: sfc32's first outputs are weakly mixed.
  for (let i = 0; i < 12; i++) next()
  return () => next() / 4294967296
}
