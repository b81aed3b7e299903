import { createECDH, createPrivateKey, generateKeyPair, type KeyObject } from 'node:crypto'
import { promisify } from 'node:util'
import type { SeededRandom } from '../framework/random.ts'

/**
 * SSH host keys for one decky. Ed25519 and ECDSA keys are derived from the decky seed, so a decky
 * keeps its host-key fingerprints across restarts (a changing key is itself a tell); RSA is
 * generated fresh at start, as node:crypto cannot derive RSA keys from a seed.
 */
export async function hostKeysFor(random: SeededRandom): Promise<string[]> {
  const rsa = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 })
  return [
    ed25519OpenSsh(random.fork('ed25519').bytes(32)),
    ecdsaPem(random.fork('ecdsa').bytes(32)),
    rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  ]
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
