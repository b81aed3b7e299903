import { generateKeyPair } from 'node:crypto'
import { promisify } from 'node:util'
import forge from 'node-forge'
import type { SeededRandom } from './random.ts'

export type TlsIdentity = { cert: string; key: string }

/**
 * A self-signed certificate like the one a freshly installed server shows (Debian's snakeoil cert:
 * CN and SAN = the host name). node:crypto cannot issue X.509 certificates, so node-forge signs;
 * the RSA key itself comes from node:crypto (forge's pure-JS key generation is far slower).
 * Serial number and validity window come from the decky seed so they differ between deckies.
 */
export async function selfSignedIdentity(commonName: string, random: SeededRandom): Promise<TlsIdentity> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 })
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString())
  // Positive serial: clear the top bit of the first byte.
  const serial = random.bytes(16)
  serial[0] = (serial[0] ?? 0) & 0x7f
  cert.serialNumber = serial.toString('hex')
  const issuedDaysAgo = random.int(20, 700)
  const notBefore = new Date(Date.now() - issuedDaysAgo * 86_400_000)
  notBefore.setUTCHours(random.int(0, 23), random.int(0, 59), random.int(0, 59), 0)
  cert.validity.notBefore = notBefore
  cert.validity.notAfter = new Date(notBefore.getTime() + 3650 * 86_400_000)
  const subject = [{ name: 'commonName', value: commonName }]
  cert.setSubject(subject)
  cert.setIssuer(subject)
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'subjectAltName', altNames: [{ type: 2, value: commonName }] },
  ])
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create())
  return { cert: forge.pki.certificateToPem(cert), key: keyPem }
}
