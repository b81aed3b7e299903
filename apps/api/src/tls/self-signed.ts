// A self-signed certificate for an installation without one of its own (`decnet tls generate`,
// `decnet init --self-signed`): RSA 2048, SHA-256, valid for the names and addresses given (plus
// localhost and 127.0.0.1). Browsers warn on it until the operator pins or trusts its fingerprint.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import path from 'node:path'
import forge from 'node-forge'
import type { TlsFiles } from '../config.ts'
import { certificateFingerprint } from './tls-pair.ts'

export type SelfSignedPair = { certPem: string; keyPem: string }

const DEFAULT_NAMES = ['localhost', '127.0.0.1']

/** Generates the pair; `names` are DNS names or IP addresses the certificate is valid for. */
export function generateSelfSignedPair(names: readonly string[], validDays = 825): SelfSignedPair {
  const all = [...new Set([...names, ...DEFAULT_NAMES])]
  const keys = forge.pki.rsa.generateKeyPair(2048)
  const cert = forge.pki.createCertificate()
  cert.publicKey = keys.publicKey
  // 16 random bytes, top bit cleared: a positive serial no two installations share.
  cert.serialNumber = `0${forge.util.bytesToHex(forge.random.getBytesSync(16)).slice(1)}`
  cert.validity.notBefore = new Date(Date.now() - 60_000)
  cert.validity.notAfter = new Date(Date.now() + validDays * 86_400_000)
  const subject = [
    { name: 'commonName', value: all[0] ?? 'localhost' },
    { name: 'organizationName', value: 'DECNET' },
  ]
  cert.setSubject(subject)
  cert.setIssuer(subject)
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: all.map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name })),
    },
  ])
  cert.sign(keys.privateKey, forge.md.sha256.create())
  return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) }
}

/** Writes a new pair into `dir` (key 0600) and says where, with the fingerprint to print. */
export function writeSelfSignedPair(
  dir: string,
  names: readonly string[],
): TlsFiles & { fingerprint: string } {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const pair = generateSelfSignedPair(names)
  const certFile = path.join(dir, 'decnet.crt')
  const keyFile = path.join(dir, 'decnet.key')
  writeFileSync(keyFile, pair.keyPem, { mode: 0o600 })
  chmodSync(keyFile, 0o600)
  writeFileSync(certFile, pair.certPem, { mode: 0o644 })
  return { certFile, keyFile, fingerprint: certificateFingerprint(pair.certPem) }
}
