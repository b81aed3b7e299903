import { checkPrimeSync, createPrivateKey, type KeyObject } from 'node:crypto'
import type { SeededRandom } from './random.ts'

/**
 * An RSA key drawn from a keyed random stream, so a decky shows the same key after every restart
 * (a real server keeps its key on disk) while two deckies never share one. node:crypto cannot
 * generate from a seed; primes are searched here on seeded candidates and tested natively.
 */
export function seededRsaKey(random: SeededRandom, bits = 2048): KeyObject {
  const e = 65537n
  const primeBits = bits / 2
  const prime = (): bigint => {
    for (;;) {
      const bytes = random.bytes(primeBits / 8)
      // Top two bits set so p·q has exactly `bits` bits; odd.
      bytes[0] = (bytes[0] ?? 0) | 0xc0
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) | 0x01
      let candidate = BigInt(`0x${bytes.toString('hex')}`)
      // Walk odd numbers from the seeded start: cheap, still uniform enough for a decoy key.
      for (let step = 0; step < 4096; step++, candidate += 2n) {
        if (SMALL_PRIMES.some((p) => candidate % p === 0n)) continue
        if ((candidate - 1n) % e === 0n) continue
        if (checkPrimeSync(candidate, { checks: 24 })) return candidate
      }
    }
  }
  const p = prime()
  let q = prime()
  while (p === q) q = prime()
  return p < q ? rsaKeyFromPrimes(q, p, e) : rsaKeyFromPrimes(p, q, e)
}

/** The RSA private key of the primes `p` and `q` with public exponent `e`, built from its JWK parameters. */
export function rsaKeyFromPrimes(p: bigint, q: bigint, e: bigint): KeyObject {
  const d = modInverse(e, (p - 1n) * (q - 1n))
  const jwk = {
    kty: 'RSA',
    n: b64u(p * q),
    e: b64u(e),
    d: b64u(d),
    p: b64u(p),
    q: b64u(q),
    dp: b64u(d % (p - 1n)),
    dq: b64u(d % (q - 1n)),
    qi: b64u(modInverse(q, p)),
  }
  return createPrivateKey({ key: jwk, format: 'jwk' })
}

const SMALL_PRIMES = [3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n, 43n, 47n, 53n, 59n, 61n, 67n]

/** a⁻¹ mod m (extended Euclid); a and m coprime. */
export function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a % m, m]
  let [oldS, s] = [1n, 0n]
  while (r !== 0n) {
    const quotient = oldR / r
    ;[oldR, r] = [r, oldR - quotient * r]
    ;[oldS, s] = [s, oldS - quotient * s]
  }
  return ((oldS % m) + m) % m
}

function b64u(value: bigint): string {
  let hex = value.toString(16)
  if (hex.length % 2) hex = `0${hex}`
  return Buffer.from(hex, 'hex').toString('base64url')
}
