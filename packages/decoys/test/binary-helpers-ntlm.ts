import { createHmac } from 'node:crypto'
import { expect } from 'vitest'
import type { EmittedEvent } from '../src/emulator.ts'

/** MD4 (RFC 1320): OpenSSL 3 no longer ships it, and NTLM needs it to check a captured response. */
export function md4(input: Buffer): Buffer {
  const bitLength = input.length * 8
  const padded = Buffer.alloc(Math.ceil((input.length + 9) / 64) * 64)
  input.copy(padded)
  padded[input.length] = 0x80
  padded.writeUInt32LE(bitLength >>> 0, padded.length - 8)
  padded.writeUInt32LE(Math.floor(bitLength / 2 ** 32), padded.length - 4)
  let [a, b, c, d] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]
  const rotl = (x: number, s: number) => ((x << s) | (x >>> (32 - s))) >>> 0
  const rounds: [(x: number, y: number, z: number) => number, number, number[], number[]][] = [
    [
      (x, y, z) => (x & y) | (~x & z),
      0,
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
      [3, 7, 11, 19],
    ],
    [
      (x, y, z) => (x & y) | (x & z) | (y & z),
      0x5a827999,
      [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15],
      [3, 5, 9, 13],
    ],
    [
      (x, y, z) => x ^ y ^ z,
      0x6ed9eba1,
      [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15],
      [3, 9, 11, 15],
    ],
  ]
  for (let block = 0; block < padded.length; block += 64) {
    const words = Array.from({ length: 16 }, (_, i) => padded.readUInt32LE(block + i * 4))
    const [aa, bb, cc, dd] = [a, b, c, d]
    for (const [f, constant, order, shifts] of rounds) {
      order.forEach((k, i) => {
        const value = rotl((a + f(b, c, d) + (words[k] as number) + constant) >>> 0, shifts[i % 4] as number)
        ;[a, b, c, d] = [d, value, b, c]
      })
    }
    ;[a, b, c, d] = [(a + aa) >>> 0, (b + bb) >>> 0, (c + cc) >>> 0, (d + dd) >>> 0]
  }
  const out = Buffer.alloc(16)
  ;[a, b, c, d].forEach((word, i) => {
    out.writeUInt32LE(word, i * 4)
  })
  return out
}

/**
 * Checks a hashcat-5600 line (`user::domain:challenge:ntproofstr:blob`) against a password: the
 * proof must be HMAC-MD5(NTOWFv2, challenge ‖ blob), exactly what a cracker will test.
 */
export function netNtlmV2Matches(line: string, password: string): boolean {
  const [user = '', , domain = '', challenge = '', proof = '', blob = ''] = line.split(':')
  const ntHash = md4(Buffer.from(password, 'utf16le'))
  const ntowf = createHmac('md5', ntHash)
    .update(Buffer.from(user.toUpperCase() + domain, 'utf16le'))
    .digest()
  const expected = createHmac('md5', ntowf)
    .update(Buffer.concat([Buffer.from(challenge, 'hex'), Buffer.from(blob, 'hex')]))
    .digest('hex')
  return expected === proof
}

/**
 * Expects a NetNTLMv2 `auth_attempt` from this account whose hash is the hashcat line of exactly the
 * bytes exchanged: user::domain:server challenge:NT proof:client blob.
 */
export function expectNetNtlmV2Attempt(
  attempt: EmittedEvent,
  sent: {
    username: string
    domain: string
    workstation: string
    challenge: Buffer
    proof: Buffer
    blob: Buffer
  },
): void {
  const { username, domain, workstation } = sent
  expect(attempt.fields).toMatchObject({ username, domain, workstation, hash_format: 'netntlmv2' })
  const hex = (bytes: Buffer) => bytes.toString('hex')
  expect(attempt.fields.hash).toBe(
    `${username}::${domain}:${hex(sent.challenge)}:${hex(sent.proof)}:${hex(sent.blob)}`,
  )
}
