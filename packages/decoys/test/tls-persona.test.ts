import { X509Certificate } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { certificateStyleFor, tlsOptionsFor, tlsStackFor } from '../src/framework/tls.ts'
import { testPersona } from './web-persona-fixture.ts'

const DAY = 86_400_000
const leaf = (pem: string) => new X509Certificate(pem)

describe('tlsOptionsFor', () => {
  it('picks the issuance story of the host and service', () => {
    // Tell: one 10-year self-signed certificate style on every service of every decky.
    expect(certificateStyleFor(testPersona('debian-apache'), 'https')).toBe('snakeoil')
    expect(certificateStyleFor(testPersona('debian-nginx'), 'https')).toBe('acme')
    expect(certificateStyleFor(testPersona('rocky-apache'), 'https')).toBe('sscg')
    expect(certificateStyleFor(testPersona('windows-2019'), 'https')).toBe('enterprise-ca')
    expect(certificateStyleFor(testPersona('windows-2019'), 'ldap')).toBe('enterprise-ca')
    expect(certificateStyleFor(testPersona('windows-2019'), 'rdp')).toBe('rdp')
    expect(certificateStyleFor(testPersona('debian-apache'), 'k8s')).toBe('kubeadm')
  })

  it('keeps certificates valid as time passes by renewing them like ACME clients and TermService do', async () => {
    // Tell: a certificate issued at start-up relative to "now" (notBefore minutes before the first scan).
    const nginx = testPersona('debian-nginx', '1'.repeat(32))
    for (const [service, persona, lifetimeDays] of [
      ['https', nginx, 90],
      ['rdp', testPersona('windows-2019', '2'.repeat(32)), 182],
    ] as const) {
      const now = await tlsOptionsFor(persona, service)
      const later = await tlsOptionsFor(persona, service, { nowMs: Date.now() + 200 * DAY })
      const [a, b] = [leaf(now.cert), leaf(later.cert)]
      expect(Date.parse(a.validTo) - Date.parse(a.validFrom)).toBe(lifetimeDays * DAY)
      expect(Date.parse(a.validFrom)).toBeLessThan(persona.bootTime * 1000)
      expect(Date.parse(a.validTo)).toBeGreaterThan(Date.now())
      expect(b.serialNumber).not.toBe(a.serialNumber)
      expect(Date.parse(b.validTo)).toBeGreaterThan(Date.now() + 200 * DAY)
    }
  })

  it('lets every decky of a domain chain to the same AD CS root', async () => {
    // Tell: each Windows host with its own private "CA" (or none) in one domain.
    const chainOf = async (seed: string) =>
      (await tlsOptionsFor(testPersona('windows-2019', seed), 'https')).cert
        .split(/(?<=-----END CERTIFICATE-----\r?\n)/)
        .filter((pem) => pem.includes('BEGIN'))
        .map(leaf)
    const [a, b] = [await chainOf('3'.repeat(32)), await chainOf('4'.repeat(32))]
    expect(a).toHaveLength(2)
    expect(a[1]?.fingerprint256).toBe(b[1]?.fingerprint256)
    expect(a[0]?.checkIssued(a[1] as X509Certificate)).toBe(true)
    expect(a[0]?.verify((a[1] as X509Certificate).publicKey)).toBe(true)
    expect(a[0]?.serialNumber).not.toBe(b[0]?.serialNumber)
  })

  it('offers the protocol versions of the claimed build', () => {
    // Tell: build 9600 negotiating TLS 1.3.
    expect(tlsStackFor(testPersona('windows-2012r2'), 'https')).toMatchObject({
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.2',
    })
    expect(tlsStackFor(testPersona('debian-apache'), 'https')).toMatchObject({
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.3',
    })
    expect(
      tlsStackFor(testPersona('windows-2019'), 'rdp').ciphers.startsWith('ECDHE-RSA-AES256-GCM-SHA384'),
    ).toBe(true)
  })
})
