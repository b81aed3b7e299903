import { generateKeyPair, type KeyObject } from 'node:crypto'
import type { SecureContextOptions } from 'node:tls'
import { promisify } from 'node:util'
import type { Persona, TlsVersion } from '@decnet/core'
import forge from 'node-forge'
import { seededRsaKey } from './keys.ts'
import { type SeededRandom, seededRandom } from './random.ts'

export type TlsIdentity = { cert: string; key: string }

/**
 * What `listenTcp({ tls })` (or `tls.createServer`) needs to look like the claimed build: a
 * certificate chain that looks issued, and the protocol versions, cipher order and curves of the
 * TLS stack the persona runs (SChannel of that Windows build, the distro's OpenSSL, a device's).
 */
export type TlsServerOptions = SecureContextOptions & {
  cert: string
  key: string
  minVersion: `TLSv1${'' | '.1' | '.2' | '.3'}`
  maxVersion: `TLSv1${'' | '.1' | '.2' | '.3'}`
  ciphers: string
  honorCipherOrder: boolean
  ecdhCurve: string
}

/**
 * How a certificate of this kind of host came to be (who issued it, for how long, how it renews):
 * - `snakeoil`: Debian/Ubuntu ssl-cert's self-signed cert made at install (make-ssl-cert: CN and SAN
 *   = FQDN, 3650 days — a Debian host really shows a 10-year self-signed cert, nothing else does).
 * - `sscg`: RHEL/Rocky mod_ssl's localhost cert from a throwaway CA, 1 year, never renewed.
 * - `enterprise-ca`: issued by the domain's AD CS CA (`<NETBIOS>-<host>-CA`, one CA per domain),
 *   1-year leaf auto-enrolled and renewed, 5-year root.
 * - `acme`: 90-day certificates renewed every 60 days by an ACME client, from the organisation's
 *   own ACME CA (named after the organisation: never a real public CA's exact DN).
 * - `rdp`: the self-signed cert TermService makes (CN = computer name/FQDN), 6 months, renewed.
 * - `windows-self-signed`: IIS/Exchange self-signed cert of a workgroup host, 1 year, re-made yearly.
 * - `kubeadm`: the `kubernetes` CA (10 years) and its 1-year `kube-apiserver` cert.
 * - `device`: an appliance's factory self-signed cert, 20 years.
 */
export type CertificateStyle =
  | 'snakeoil'
  | 'sscg'
  | 'enterprise-ca'
  | 'acme'
  | 'rdp'
  | 'windows-self-signed'
  | 'kubeadm'
  | 'device'

export type TlsOptionsOverrides = {
  /** Operator-supplied certificate and key (catalogue `tls_cert`/`tls_key`): used as given. */
  cert?: string
  key?: string
  /** Operator-chosen subject name (catalogue `tls_cn`). */
  commonName?: string
  style?: CertificateStyle
  /** Clock for validity windows (tests). */
  nowMs?: number
}

const DAY_MS = 86_400_000

/**
 * TLS server options for one service of a persona: certificate (style from `certificateStyleFor`,
 * key and serial keyed from the persona seed so they survive restarts and differ between deckies)
 * and the versions/ciphers of the claimed build (`tlsStackFor`). The API other emulators call
 * (https, RDP, LDAPS, IMAPS, …).
 */
export async function tlsOptionsFor(
  persona: Persona,
  service: string,
  overrides: TlsOptionsOverrides = {},
): Promise<TlsServerOptions> {
  const stack = tlsStackFor(persona, service)
  const identity =
    overrides.cert && overrides.key
      ? { cert: overrides.cert, key: overrides.key }
      : issueIdentity(persona, service, overrides)
  return { ...identity, ...stack }
}

/** Versions, cipher preference and curves of the TLS stack the persona's service runs. */
export function tlsStackFor(
  persona: Persona,
  service: string,
): Pick<TlsServerOptions, 'minVersion' | 'maxVersion' | 'ciphers' | 'honorCipherOrder' | 'ecdhCurve'> {
  const windows = persona.os.windows
  if (windows) {
    const versions = windows.tlsVersions.length > 0 ? windows.tlsVersions : (['1.2'] as TlsVersion[])
    const min = versions[0] ?? '1.2'
    const max = versions[versions.length - 1] ?? '1.2'
    return {
      minVersion: nodeVersion(min),
      maxVersion: nodeVersion(max),
      // SChannel's default order (Windows 10 / Server 2016+); the server picks (honours its order).
      ciphers: [
        ...(max === '1.3' ? ['TLS_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256'] : []),
        ...SCHANNEL_CIPHERS,
        ...(min < '1.2' ? ['@SECLEVEL=0'] : []),
      ].join(':'),
      honorCipherOrder: true,
      ecdhCurve: 'X25519:P-256:P-384',
    }
  }
  const product = persona.services[service]?.product
  if (persona.family === 'embedded' || persona.family === 'cisco' || product === 'embedded-web') {
    // Appliance TLS stacks: old OpenSSL/mbedTLS builds, no TLS 1.3, CBC suites first.
    return {
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.2',
      ciphers:
        'ECDHE-RSA-AES128-SHA:AES128-SHA:AES256-SHA:ECDHE-RSA-AES128-GCM-SHA256:AES128-GCM-SHA256:DES-CBC3-SHA:@SECLEVEL=0',
      honorCipherOrder: true,
      ecdhCurve: 'P-256:P-384',
    }
  }
  const openssl = distroOpenSsl(persona)
  const ciphers =
    product === 'nginx'
      ? 'HIGH:!aNULL:!MD5' // nginx's ssl_ciphers default
      : openssl.rhel
        ? 'HIGH:!aNULL:!eNULL:!MD5:!3DES:!CAMELLIA:!ARIA:!SEED:!IDEA:!AESCCM8:!SHA1:@SECLEVEL=2' // crypto-policies DEFAULT, roughly
        : 'HIGH:!aNULL' // Debian/Ubuntu mod_ssl SSLCipherSuite, Dovecot/Postfix close enough
  return {
    minVersion: openssl.min,
    maxVersion: openssl.tls13 ? 'TLSv1.3' : 'TLSv1.2',
    ciphers: [
      ...(openssl.tls13
        ? ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256']
        : []),
      openssl.min === 'TLSv1' ? `${ciphers}:@SECLEVEL=0` : ciphers,
    ].join(':'),
    // Apache (SSLHonorCipherOrder off) and nginx (ssl_prefer_server_ciphers off) let the client choose.
    honorCipherOrder: false,
    ecdhCurve: openssl.tls13 ? 'X25519:P-256:X448:P-521:P-384' : 'P-256:P-384:P-521',
  }
}

/** SChannel's cipher suites in its default preference order, as OpenSSL names them. */
const SCHANNEL_CIPHERS = [
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-AES128-GCM-SHA256',
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

/** The distro's OpenSSL: TLS 1.3 since OpenSSL 1.1.1; Debian 10+/Ubuntu 20.04+/RHEL 8+ refuse < 1.2. */
function distroOpenSsl(persona: Persona): {
  min: TlsServerOptions['minVersion']
  tls13: boolean
  rhel: boolean
} {
  const major = Number.parseFloat(persona.os.versionId) || 0
  switch (persona.os.id) {
    case 'debian':
      return { min: major >= 10 ? 'TLSv1.2' : 'TLSv1', tls13: major >= 10, rhel: false }
    case 'ubuntu':
      return { min: major >= 20 ? 'TLSv1.2' : 'TLSv1', tls13: major >= 18, rhel: false }
    case 'centos':
    case 'rhel':
    case 'rocky':
    case 'almalinux':
    case 'fedora':
      return {
        min: major >= 8 || persona.os.id === 'fedora' ? 'TLSv1.2' : 'TLSv1',
        tls13: major >= 8,
        rhel: true,
      }
    default:
      return { min: 'TLSv1.2', tls13: true, rhel: false }
  }
}

function nodeVersion(version: TlsVersion): TlsServerOptions['minVersion'] {
  return version === '1.0' ? 'TLSv1' : `TLSv${version}`
}

/** Which issuance story fits this host and service (see `CertificateStyle`). */
export function certificateStyleFor(persona: Persona, service: string): CertificateStyle {
  const product = persona.services[service]?.product
  if (service === 'rdp') return 'rdp'
  if (service === 'k8s' || product === 'kubernetes') return 'kubeadm'
  if (persona.os.windows) return persona.domain?.joined ? 'enterprise-ca' : 'windows-self-signed'
  if (persona.family === 'embedded' || persona.family === 'cisco' || product === 'embedded-web')
    return 'device'
  if (['rocky', 'rhel', 'centos', 'almalinux', 'fedora'].includes(persona.os.id)) return 'sscg'
  // A default Apache/Dovecot/Postfix on Debian/Ubuntu serves the ssl-cert snakeoil; nginx ships no
  // TLS site, so an admin set one up with an ACME client.
  if (product === 'nginx' || product === 'lighttpd') return 'acme'
  return 'snakeoil'
}

type Name = { shortName?: string; type?: string; value: string; valueTagClass?: number }[]
type Issued = { cert: forge.pki.Certificate; key: KeyObject; name: Name }

const issued = new Map<string, TlsIdentity>()

/** The certificate chain and key of one service, cached per persona, service and validity period. */
function issueIdentity(persona: Persona, service: string, overrides: TlsOptionsOverrides): TlsIdentity {
  const style = overrides.style ?? certificateStyleFor(persona, service)
  const nowMs = overrides.nowMs ?? Date.now()
  const random = seededRandom(persona.seed).fork(`tls/${style}/${service}`)
  const fqdn = fullyQualified(persona)
  const commonName =
    overrides.commonName ?? (style === 'rdp' && !persona.domain?.joined ? persona.hostname : fqdn)
  const bootMs = persona.bootTime * 1000
  // Issued before the machine last booted: the install or enrolment predates the current uptime.
  const firstIssue = (earliestDays: number, latestDays: number) =>
    bootMs - random.fork('first-issue').int(earliestDays * DAY_MS, latestDays * DAY_MS)
  const cacheKey = (period: number) => `${persona.seed}/${style}/${service}/${commonName}/${period}`
  /** The service's own certificate (CN = its name), keyed and numbered anew for each validity window. */
  const leafCertificate = (
    window: ReturnType<typeof validity>,
    serial: (random: SeededRandom) => string,
    extensions: SignInput['extensions'],
    issuer?: Issued,
  ) =>
    sign({
      subject: [{ shortName: 'CN', value: commonName }],
      key: keyFor(random, 'leaf', window.period),
      serial: serial(random.fork(`serial/${window.period}`)),
      window,
      ...(issuer ? { issuer } : {}),
      extensions,
    })

  switch (style) {
    case 'snakeoil': {
      const window = validity(firstIssue(20, 900), 3650, Number.POSITIVE_INFINITY, nowMs)
      return cached(cacheKey(window.period), () => {
        const leaf = leafCertificate(window, opensslSerial, [
          { name: 'basicConstraints', cA: false },
          { name: 'subjectAltName', altNames: [{ type: 2, value: commonName }] },
          { name: 'subjectKeyIdentifier' },
        ])
        return pem(leaf)
      })
    }
    case 'sscg': {
      const window = validity(firstIssue(20, 330), 398, Number.POSITIVE_INFINITY, nowMs)
      return cached(cacheKey(window.period), () => {
        const caName: Name = [
          { shortName: 'C', value: 'US' },
          { shortName: 'O', value: 'Unspecified' },
          { shortName: 'OU', value: `ca-${random.fork('ca-ou').int(100_000_000, 2_147_483_647)}` },
          { shortName: 'CN', value: commonName },
        ]
        const ca = sign({
          subject: caName,
          key: keyFor(random, 'ca', 0),
          serial: opensslSerial(random.fork('ca-serial')),
          window,
          extensions: [{ name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true }],
        })
        const leaf = sign({
          subject: [
            { shortName: 'C', value: 'US' },
            { shortName: 'O', value: 'Unspecified' },
            { shortName: 'CN', value: commonName },
          ],
          key: keyFor(random, 'leaf', 0),
          serial: opensslSerial(random.fork('serial')),
          window,
          issuer: ca,
          extensions: [
            { name: 'basicConstraints', cA: false },
            { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
            { name: 'extKeyUsage', serverAuth: true },
            {
              name: 'subjectAltName',
              altNames: [
                { type: 2, value: commonName },
                { type: 2, value: 'localhost' },
              ],
            },
          ],
        })
        return pem(leaf, ca)
      })
    }
    case 'enterprise-ca': {
      const domain = persona.domain ?? { netbios: 'WORKGROUP', dns: 'localdomain', joined: false }
      const ca = enterpriseCa(domain.netbios, domain.dns, nowMs)
      // Auto-enrolment renews a 1-year certificate at 80 % of its life.
      const window = validity(firstIssue(5, 300), 365, 292, nowMs)
      return cached(`${cacheKey(window.period)}/${ca.period}`, () => {
        const leaf = leafCertificate(
          window,
          adcsSerial,
          [
            { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
            { name: 'extKeyUsage', clientAuth: true, serverAuth: true },
            { name: 'subjectAltName', altNames: [{ type: 2, value: commonName }] },
            { name: 'subjectKeyIdentifier' },
          ],
          ca.issued,
        )
        return pem(leaf, ca.issued)
      })
    }
    case 'acme': {
      const window = validity(firstIssue(30, 400), 90, 60, nowMs)
      const org = organisation(persona)
      return cached(cacheKey(window.period), () => {
        const intermediate = organisationCa(org, 'acme-intermediate', `${org} Intermediate CA`, nowMs)
        // The key is drawn anew per window: ACME clients do so at each renewal (certbot's default since 2.0).
        const leaf = leafCertificate(
          window,
          (r) => opensslSerial(r, 18),
          [
            { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
            { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
            { name: 'basicConstraints', cA: false, critical: true },
            { name: 'subjectKeyIdentifier' },
            { name: 'subjectAltName', altNames: [{ type: 2, value: commonName }] },
          ],
          intermediate,
        )
        return pem(leaf, intermediate)
      })
    }
    case 'rdp': {
      // TermService makes its cert when first started and a new one when it expires.
      const window = validity(firstIssue(1, 170), 182, 182, nowMs)
      return cached(cacheKey(window.period), () => {
        const leaf = leafCertificate(window, windowsSerial, [
          { name: 'extKeyUsage', serverAuth: true },
          { name: 'keyUsage', keyEncipherment: true, dataEncipherment: true },
        ])
        return pem(leaf)
      })
    }
    case 'windows-self-signed': {
      // The admin re-creates it in IIS Manager when browsers start complaining: about yearly.
      const window = validity(firstIssue(10, 330), 365, 365, nowMs)
      return cached(cacheKey(window.period), () => {
        const leaf = leafCertificate(window, windowsSerial, [
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
          { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
          { name: 'subjectAltName', altNames: [{ type: 2, value: commonName }] },
          { name: 'subjectKeyIdentifier' },
        ])
        return pem(leaf)
      })
    }
    case 'kubeadm': {
      const init = firstIssue(30, 330)
      const caWindow = validity(init, 3650, Number.POSITIVE_INFINITY, nowMs)
      // `kubeadm upgrade` renews the apiserver cert; a cluster upgraded a little before it expires.
      const window = validity(init, 365, 330, nowMs)
      return cached(cacheKey(window.period), () => {
        const ca = sign({
          subject: [{ shortName: 'CN', value: 'kubernetes' }],
          key: keyFor(random, 'ca', 0),
          serial: opensslSerial(random.fork('ca-serial'), 8),
          window: caWindow,
          extensions: [
            {
              name: 'keyUsage',
              digitalSignature: true,
              keyEncipherment: true,
              keyCertSign: true,
              critical: true,
            },
            { name: 'basicConstraints', cA: true, critical: true },
            { name: 'subjectKeyIdentifier' },
          ],
        })
        const host = persona.hostname.toLowerCase()
        const leaf = sign({
          subject: [{ shortName: 'CN', value: 'kube-apiserver' }],
          key: keyFor(random, 'leaf', 0),
          serial: opensslSerial(random.fork(`serial/${window.period}`), 8),
          window,
          issuer: ca,
          extensions: [
            { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
            { name: 'extKeyUsage', serverAuth: true },
            { name: 'basicConstraints', cA: false, critical: true },
            {
              name: 'subjectAltName',
              altNames: [
                { type: 2, value: 'kubernetes' },
                { type: 2, value: 'kubernetes.default' },
                { type: 2, value: 'kubernetes.default.svc' },
                { type: 2, value: 'kubernetes.default.svc.cluster.local' },
                { type: 2, value: host },
                { type: 7, ip: '10.96.0.1' },
              ],
            },
          ],
        })
        return pem(leaf, ca)
      })
    }
    case 'device': {
      const window = validity(firstIssue(60, 1500), 7300, Number.POSITIVE_INFINITY, nowMs)
      return cached(cacheKey(window.period), () => {
        const leaf = sign({
          subject: [
            { shortName: 'CN', value: overrides.commonName ?? persona.hostname },
            { shortName: 'O', value: persona.hardware.vendor },
          ],
          key: keyFor(random, 'leaf', 0),
          serial: opensslSerial(random.fork('serial'), 8),
          window,
          extensions: [{ name: 'basicConstraints', cA: false }],
        })
        return pem(leaf)
      })
    }
  }
}

function cached(key: string, make: () => TlsIdentity): TlsIdentity {
  let identity = issued.get(key)
  if (!identity) {
    identity = make()
    issued.set(key, identity)
  }
  return identity
}

export function fullyQualified(persona: Persona): string {
  const host = persona.os.windows ? persona.hostname.toUpperCase() : persona.hostname.toLowerCase()
  return persona.domain ? `${host}.${persona.domain.dns.toLowerCase()}` : host
}

function organisation(persona: Persona): string {
  const netbios = persona.domain?.netbios ?? persona.hostname.split(/[-.]/)[0] ?? persona.hostname
  return netbios.charAt(0).toUpperCase() + netbios.slice(1).toLowerCase()
}

/**
 * The issuance window current at `nowMs` of a certificate first issued at `firstMs`, lasting
 * `lifetimeDays` and re-issued every `renewEveryDays`: renewals happen as time passes, so a decky
 * up for months shows the certificate a real renewal would have installed by now.
 */
export function validity(
  firstMs: number,
  lifetimeDays: number,
  renewEveryDays: number,
  nowMs: number,
): { notBefore: Date; notAfter: Date; period: number } {
  const first = Math.floor(firstMs / 1000) * 1000
  const period = Number.isFinite(renewEveryDays)
    ? Math.max(0, Math.floor((nowMs - first) / (renewEveryDays * DAY_MS)))
    : 0
  const notBefore = first + period * (Number.isFinite(renewEveryDays) ? renewEveryDays * DAY_MS : 0)
  return { notBefore: new Date(notBefore), notAfter: new Date(notBefore + lifetimeDays * DAY_MS), period }
}

const keys = new Map<string, KeyObject>()

function keyFor(random: SeededRandom, role: string, generation: number): KeyObject {
  const stream = random.fork(`key/${role}/${generation}`)
  const id = stream.hex(32)
  let key = keys.get(id)
  if (!key) {
    key = seededRsaKey(stream)
    keys.set(id, key)
  }
  return key
}

type SignInput = {
  subject: Name
  key: KeyObject
  serial: string
  window: { notBefore: Date; notAfter: Date }
  issuer?: Issued
  extensions: Record<string, unknown>[]
}

function sign(input: SignInput): Issued {
  const cert = forge.pki.createCertificate()
  const own = forgeKey(input.key)
  cert.publicKey = forge.pki.setRsaPublicKey(own.n, own.e)
  cert.serialNumber = input.serial
  cert.validity.notBefore = input.window.notBefore
  cert.validity.notAfter = input.window.notAfter
  cert.setSubject(input.subject)
  cert.setIssuer(input.issuer ? input.issuer.name : input.subject)
  const extensions = [...input.extensions]
  if (input.issuer)
    extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: subjectKeyId(input.issuer.cert) })
  cert.setExtensions(extensions)
  cert.sign(input.issuer ? forgeKey(input.issuer.key) : own, forge.md.sha256.create())
  return { cert, key: input.key, name: input.subject }
}

function forgeKey(key: KeyObject): forge.pki.rsa.PrivateKey {
  return forge.pki.privateKeyFromPem(key.export({ type: 'pkcs1', format: 'pem' }).toString())
}

function subjectKeyId(cert: forge.pki.Certificate): string {
  return cert.generateSubjectKeyIdentifier().getBytes()
}

function pem(leaf: Issued, ...chain: Issued[]): TlsIdentity {
  return {
    cert: [leaf, ...chain].map((item) => forge.pki.certificateToPem(item.cert)).join(''),
    key: leaf.key.export({ type: 'pkcs8', format: 'pem' }).toString(),
  }
}

/** OpenSSL 3's random serials: `bytes` bytes, positive (top bit clear), no leading zero byte. */
function opensslSerial(random: SeededRandom, bytes = 20): string {
  const serial = random.bytes(bytes)
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01
  return serial.toString('hex')
}

/** CertEnroll self-signed serials: 16 random bytes, kept positive. */
function windowsSerial(random: SeededRandom): string {
  const serial = random.bytes(16)
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x10
  return serial.toString('hex')
}

/** AD CS serials: a 4-byte prefix, 9 random bytes, and the request id in the low bytes (19 bytes). */
function adcsSerial(random: SeededRandom): string {
  const requestId = random.int(0x20, 0x4fff).toString(16).padStart(4, '0')
  return `${random.int(0x11, 0x7f).toString(16)}0000${requestId}${random.hex(18)}0000${requestId}`
}

const caCache = new Map<string, { issued: Issued; period: number }>()

/**
 * The domain's AD CS root, the same for every decky of the domain (a real forest has one): its
 * name, key and dates come from the domain name, not from a decky. 5-year certificate, renewed.
 */
function enterpriseCa(netbios: string, dns: string, nowMs: number): { issued: Issued; period: number } {
  const random = seededRandom(`adcs/${dns.toLowerCase()}`)
  const host = random.fork('host').pick(['DC01', 'DC1', 'CA01', 'PKI01', 'DC-01', 'SRV01'])
  const installed = Date.UTC(2019, 0, 1) + random.fork('installed').int(0, 4 * 365) * DAY_MS
  const window = validity(installed, 5 * 365, 4 * 365, nowMs)
  const key = `${dns}/${window.period}`
  const existing = caCache.get(key)
  if (existing) return existing
  const name: Name = [
    ...dns
      .toLowerCase()
      .split('.')
      .reverse()
      .map((component) => ({
        type: '0.9.2342.19200300.100.1.25',
        value: component,
        valueTagClass: forge.asn1.Type.IA5STRING as number,
      })),
    { shortName: 'CN', value: `${netbios.toUpperCase()}-${host}-CA` },
  ]
  const ca = sign({
    subject: name,
    key: keyFor(random, 'ca', window.period),
    serial: windowsSerial(random.fork(`serial/${window.period}`)),
    window,
    extensions: [
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, cRLSign: true },
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
  })
  const result = { issued: ca, period: window.period }
  caCache.set(key, result)
  return result
}

/** The organisation's own CA (one per organisation name), e.g. the intermediate an internal ACME server signs with. */
function organisationCa(org: string, label: string, commonName: string, nowMs: number): Issued {
  const random = seededRandom(`org-ca/${org.toLowerCase()}/${label}`)
  const installed = Date.UTC(2020, 0, 1) + random.fork('installed').int(0, 3 * 365) * DAY_MS
  const window = validity(installed, 10 * 365, 8 * 365, nowMs)
  const key = `${org}/${label}/${window.period}`
  const existing = caCache.get(key)
  if (existing) return existing.issued
  const ca = sign({
    subject: [
      { shortName: 'O', value: org },
      { shortName: 'CN', value: commonName },
    ],
    key: keyFor(random, 'ca', window.period),
    serial: opensslSerial(random.fork(`serial/${window.period}`), 16),
    window,
    extensions: [
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, cRLSign: true, critical: true },
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
  })
  caCache.set(key, { issued: ca, period: window.period })
  return ca
}

/**
 * A self-signed certificate with a random key and a 10-year validity.
 * @deprecated Use `tlsOptionsFor(persona, service)`: 10-year self-signed certificates on every
 * service are a tell (only Debian's snakeoil is like that). Kept until its callers (mail, RDP,
 * LDAPS — other owners) move over.
 */
export async function selfSignedIdentity(commonName: string, random: SeededRandom): Promise<TlsIdentity> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 })
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString())
  const serial = random.bytes(16)
  serial[0] = (serial[0] ?? 0) & 0x7f
  cert.serialNumber = serial.toString('hex')
  const issuedDaysAgo = random.int(20, 700)
  const notBefore = new Date(Date.now() - issuedDaysAgo * DAY_MS)
  notBefore.setUTCHours(random.int(0, 23), random.int(0, 59), random.int(0, 59), 0)
  cert.validity.notBefore = notBefore
  cert.validity.notAfter = new Date(notBefore.getTime() + 3650 * DAY_MS)
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
