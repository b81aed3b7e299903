import { checkPrime, createECDH, createPrivateKey, type KeyObject } from 'node:crypto'
import { personaBytes, type Seeded } from '@decnet/core/persona'
import { modInverse, rsaKeyFromPrimes } from '../framework/keys.ts'
import type { HostKeyType } from './ssh-algorithms.ts'

const isPrime = (candidate: bigint) =>
  new Promise<boolean>((resolve, reject) =>
    checkPrime(candidate, (error, prime) => (error ? reject(error) : resolve(prime))),
  )

/** Host keys already derived in this process, by seed and shape (tests start the same decky often). */
const derived = new Map<string, Promise<string[]>>()

/**
 * SSH host keys for one decky, all derived from its persona seed: a decky keeps its fingerprints
 * across restarts (a changing key is a tell), and no two deckies share one (a shared key links
 * them). Returned in the order given, which is the order the server offers them.
 */
export function hostKeysFor(
  persona: Seeded,
  types: readonly HostKeyType[],
  rsaBits: number,
): Promise<string[]> {
  const key = `${persona.seed}|${types.join(',')}|${rsaBits}`
  let keys = derived.get(key)
  if (!keys) {
    keys = deriveHostKeys(persona, types, rsaBits)
    derived.set(key, keys)
  }
  return keys
}

/** The derivation itself, uncached: the same seed always yields the same keys (keyed by `personaBytes`). */
export function deriveHostKeys(
  persona: Seeded,
  types: readonly HostKeyType[],
  rsaBits: number,
): Promise<string[]> {
  const bytes = (label: string, length: number) =>
    Buffer.from(personaBytes(persona, `ssh-host-key/${label}`, length))
  return Promise.all(
    types.map((type) =>
      type === 'ed25519'
        ? Promise.resolve(ed25519OpenSsh(bytes('ed25519', 32)))
        : type === 'ecdsa'
          ? Promise.resolve(ecdsaPem(bytes('ecdsa', 32)))
          : rsaPem((label) => bytes(`rsa-${rsaBits}/${label}`, rsaBits / 16), rsaBits),
    ),
  )
}

/** Odd primes below 2000, to discard most prime candidates before the (threadpool) primality test. */
const SMALL_PRIMES = (() => {
  const primes: number[] = []
  for (let n = 3; n < 2000; n += 2) if (primes.every((p) => n % p !== 0)) primes.push(n)
  return primes
})()

/** A `bits`-bit prime found by searching upwards from a seeded odd start with its top two bits set. */
async function seededPrime(start: Buffer, bits: number): Promise<bigint> {
  if (start.length * 8 !== bits) throw new Error(`seededPrime: ${start.length} bytes for ${bits} bits`)
  start[0] = (start[0] ?? 0) | 0xc0
  start[start.length - 1] = (start[start.length - 1] ?? 0) | 1
  let candidate = BigInt(`0x${start.toString('hex')}`)
  const residues = SMALL_PRIMES.map((p) => Number(candidate % BigInt(p)))
  for (;;) {
    if (residues.every((r) => r !== 0) && (await isPrime(candidate))) return candidate
    candidate += 2n
    for (let i = 0; i < residues.length; i++) residues[i] = ((residues[i] ?? 0) + 2) % (SMALL_PRIMES[i] ?? 1)
  }
}

const modPow = (base: bigint, exponent: bigint, modulus: bigint): bigint => {
  let result = 1n
  let b = base % modulus
  let e = exponent
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus
    b = (b * b) % modulus
    e >>= 1n
  }
  return result
}

/** RSA key (e = 65537) from two seeded primes, as PKCS#1 PEM; node:crypto cannot seed its own generator. */
async function rsaPem(startOf: (label: string) => Buffer, bits: number): Promise<string> {
  const e = 65537n
  for (let attempt = 0; ; attempt++) {
    const p = await seededPrime(startOf(`p${attempt}`), bits / 2)
    const q = await seededPrime(startOf(`q${attempt}`), bits / 2)
    const phi = (p - 1n) * (q - 1n)
    if (p === q || phi % e === 0n) continue
    const d = modInverse(e, phi)
    // Sanity: the derived exponent must invert e (guards against an arithmetic slip).
    if (modPow(modPow(2n, e, p * q), d, p * q) !== 2n) continue
    return rsaKeyFromPrimes(p, q, e).export({ type: 'pkcs1', format: 'pem' }).toString()
  }
}

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

/** Ed25519 private key in the OpenSSH container format (ssh2 reads no PKCS#8). */
function ed25519OpenSsh(seed: Buffer): string {
  const key: KeyObject = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  })
  const jwk = key.export({ format: 'jwk' })
  const publicKey = Buffer.from(jwk.x ?? '', 'base64url')
  const type = sshString(Buffer.from('ssh-ed25519'))
  const publicBlob = Buffer.concat([type, sshString(publicKey)])
  const check = Buffer.alloc(4)
  check.writeUInt32BE(seed.readUInt32BE(0))
  let secret = Buffer.concat([
    check,
    check,
    type,
    sshString(publicKey),
    sshString(Buffer.concat([seed, publicKey])),
    sshString(Buffer.alloc(0)),
  ])
  const padding = (8 - (secret.length % 8)) % 8
  secret = Buffer.concat([secret, Buffer.from([1, 2, 3, 4, 5, 6, 7].slice(0, padding))])
  const none = sshString(Buffer.from('none'))
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    none,
    none,
    sshString(Buffer.alloc(0)),
    uint32(1),
    sshString(publicBlob),
    sshString(secret),
  ])
  const lines = body.toString('base64').match(/.{1,70}/g) ?? []
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----`
}

/** ECDSA P-256 key whose private scalar comes from the seed, as a SEC1 PEM. */
function ecdsaPem(scalar: Buffer): string {
  const ecdh = createECDH('prime256v1')
  // A 32-byte hash output is below the curve order with overwhelming probability.
  ecdh.setPrivateKey(scalar)
  const point = ecdh.getPublicKey()
  const key = createPrivateKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      d: scalar.toString('base64url'),
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    },
    format: 'jwk',
  })
  return key.export({ type: 'sec1', format: 'pem' }).toString()
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4)
  buffer.writeUInt32BE(value)
  return buffer
}

function sshString(data: Buffer): Buffer {
  return Buffer.concat([uint32(data.length), data])
}

/**
 * The `.pub` lines sshd's host keys have in /etc/ssh (the ones ssh-keyscan sees), for the keys that
 * derive without a prime search: Ed25519 and ECDSA. Same seed labels as `deriveHostKeys`.
 */
export function hostPublicKeyLines(persona: Seeded, comment: string): { ed25519: string; ecdsa: string } {
  const bytes = (label: string) => Buffer.from(personaBytes(persona, `ssh-host-key/${label}`, 32))
  const ed25519 = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, bytes('ed25519')]),
    format: 'der',
    type: 'pkcs8',
  })
  const edPublic = Buffer.from(ed25519.export({ format: 'jwk' }).x ?? '', 'base64url')
  const ecdh = createECDH('prime256v1')
  ecdh.setPrivateKey(bytes('ecdsa'))
  const line = (type: string, blob: Buffer) => `${type} ${blob.toString('base64')} ${comment}\n`
  return {
    ed25519: line('ssh-ed25519', Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(edPublic)])),
    ecdsa: line(
      'ecdsa-sha2-nistp256',
      Buffer.concat([
        sshString(Buffer.from('ecdsa-sha2-nistp256')),
        sshString(Buffer.from('nistp256')),
        sshString(ecdh.getPublicKey()),
      ]),
    ),
  }
}
