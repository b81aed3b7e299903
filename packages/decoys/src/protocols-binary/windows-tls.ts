import { generateKeyPair, randomBytes } from 'node:crypto'
import type { SecureContextOptions, SecureVersion } from 'node:tls'
import { promisify } from 'node:util'
import type { Persona, TlsVersion } from '@decnet/core/schemas'
import forge from 'node-forge'
import { personaKeyed } from './windows-persona.ts'

/**
 * TLS as Windows SChannel does it for RDP and LDAPS: the versions the persona's build enables (8.1 /
 * 2012 R2 and Windows 10 / 2016–2019 stop at 1.2; 1.3 only from Windows 11 / Server 2022), and the
 * certificate the Remote Desktop service makes for itself: self-signed, CN = the FQDN, six months
 * of validity, renewed when it runs out (never a ten-year certificate).
 */

const NODE_VERSION: Readonly<Record<TlsVersion, SecureVersion>> = {
  '1.0': 'TLSv1',
  '1.1': 'TLSv1.1',
  '1.2': 'TLSv1.2',
  '1.3': 'TLSv1.3',
}

/**
 * SChannel's default cipher suites, in its order (server preference): no CHACHA20 and no DHE
 * without configured parameters, TLS 1.3 with AES-GCM only. OpenSSL/Node's defaults differ
 * visibly (ssl-enum-ciphers lists CHACHA20 first among them).
 */
const SCHANNEL_CIPHERS = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_AES_128_GCM_SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-SHA384',
  'ECDHE-RSA-AES128-SHA256',
  'ECDHE-RSA-AES256-SHA',
  'ECDHE-RSA-AES128-SHA',
  'AES256-GCM-SHA384',
  'AES128-GCM-SHA256',
  'AES256-SHA256',
  'AES128-SHA256',
  'AES256-SHA',
  'AES128-SHA',
]

/**
 * The TLS options of the persona's SChannel: version range, cipher suites in SChannel's order, its
 * curves; with 1.0/1.1 enabled, OpenSSL security level 0 so it will speak them.
 */
export function schannelVersions(
  persona: Persona,
): Pick<SecureContextOptions, 'minVersion' | 'maxVersion' | 'ciphers' | 'ecdhCurve' | 'honorCipherOrder'> {
  const versions = persona.os.windows?.tlsVersions ?? ['1.2', '1.3']
  const lowest = versions[0] ?? '1.2'
  const highest = versions[versions.length - 1] ?? '1.2'
  const legacy = lowest === '1.0' || lowest === '1.1'
  return {
    minVersion: NODE_VERSION[lowest],
    maxVersion: NODE_VERSION[highest],
    ciphers: `${SCHANNEL_CIPHERS.join(':')}${legacy ? ':@SECLEVEL=0' : ''}`,
    ecdhCurve: 'X25519:P-256:P-384',
    honorCipherOrder: true,
  }
}

const DAY_MS = 86_400_000
/** The RDP self-signed certificate is valid for six months (Windows makes it notBefore + 6 months). */
export const RDP_CERT_LIFETIME_DAYS = 182

/**
 * The current renewal period of a certificate that is remade every `lifetimeDays`: periods start
 * at a per-decky phase before boot, so two deckies' certificates were issued on different days.
 */
export function renewalWindow(persona: Persona, label: string, nowMs: number, lifetimeDays: number) {
  const phaseMs =
    (personaKeyed(persona, `${label}:phase`, 4).readUInt32BE(0) / 2 ** 32) * lifetimeDays * DAY_MS
  const anchor = persona.bootTime * 1000 - phaseMs
  const period = lifetimeDays * DAY_MS
  const periods = Math.max(0, Math.floor((nowMs - anchor) / period))
  const notBefore = new Date(anchor + periods * period)
  notBefore.setUTCMilliseconds(0)
  return { notBefore, notAfter: new Date(notBefore.getTime() + period) }
}

export type TlsIdentity = { cert: string; key: string }

/**
 * The Remote Desktop service's own certificate: RSA 2048, SHA-256, subject = issuer = CN=<FQDN>,
 * a 16-byte random serial, key usage keyEncipherment/dataEncipherment and EKU serverAuth, no SAN.
 */
export async function rdpCertificate(
  persona: Persona,
  fqdn: string,
  nowMs = Date.now(),
): Promise<TlsIdentity> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 })
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString())
  const serial = randomBytes(16)
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x10
  cert.serialNumber = serial.toString('hex')
  const { notBefore, notAfter } = renewalWindow(persona, 'rdp-cert', nowMs, RDP_CERT_LIFETIME_DAYS)
  cert.validity.notBefore = notBefore
  cert.validity.notAfter = notAfter
  const subject = [{ name: 'commonName', value: fqdn }]
  cert.setSubject(subject)
  cert.setIssuer(subject)
  cert.setExtensions([
    { name: 'keyUsage', keyEncipherment: true, dataEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
  ])
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create())
  return { cert: forge.pki.certificateToPem(cert), key: keyPem }
}
