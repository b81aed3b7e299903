// Geo/ASN from the databases shipped as npm packages (no network), and an operator's .mmdb (written
// here with MaxMind's own Perl writer) taking over the fields it carries.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { createGeoLookup, MmdbGeoSource } from '../../src/index.ts'

const dir = mkdtempSync(join(tmpdir(), 'decnet-geo-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function operatorMmdb(
  name: string,
  network: string,
  city: string,
  country: string,
  asn: number,
  org: string,
) {
  const path = join(dir, name)
  const script = fileURLToPath(new URL('./write-mmdb.pl', import.meta.url))
  execFileSync('perl', [script, path, network, city, country, String(asn), org])
  return path
}

describe('shipped geo/ASN databases', () => {
  const geo = createGeoLookup()

  it.each([
    ['8.8.8.8', 'US', 15169, /google/i],
    ['8.8.8.200', 'US', 15169, /google/i],
    ['1.1.1.1', 'US', 13335, /cloudflare/i],
    ['1.1.1.77', 'US', 13335, /cloudflare/i],
    ['::ffff:8.8.4.4', 'US', 15169, /google/i],
    ['2001:4860:4860::8888', 'US', 15169, /google/i],
    ['2606:4700:4700::1111', 'US', 13335, /cloudflare/i],
  ])('%s → %s, AS%d', async (ip, country, asn, org) => {
    const found = await geo.lookup(ip)
    expect(found).toMatchObject({ country, asn })
    expect(found.org).toMatch(org)
    expect(found.sources).toEqual(['iptoasn-country', 'routeviews-dbip-asn'])
  })

  it('tells apart neighbouring networks (not one answer for everything)', async () => {
    const uk = await geo.lookup('81.2.69.142')
    expect(uk.country).toBe('GB')
    expect(uk.asn).not.toBe(15169)
    // 1.1.128.0/17 is a Thai operator's, right after Cloudflare's 1.1.1.0/24.
    expect((await geo.lookup('1.1.200.1')).asn).not.toBe(13335)
  })
})

describe('an operator-supplied .mmdb', () => {
  it('answers first for the fields it carries; the shipped data fills the rest', async () => {
    const path = operatorMmdb('city-asn.mmdb', '8.8.8.0/24', 'Testville', 'DE', 64500, 'Operator Test Org')
    const geo = createGeoLookup([path])
    expect(geo.sourceNames).toEqual(['operator:city-asn.mmdb', 'iptoasn-country', 'routeviews-dbip-asn'])
    expect(await geo.lookup('8.8.8.8')).toEqual({
      country: 'DE',
      city: 'Testville',
      asn: 64500,
      org: 'Operator Test Org',
      sources: ['operator:city-asn.mmdb'],
    })
    // Outside the operator's networks: the shipped databases.
    expect(await geo.lookup('1.1.1.1')).toMatchObject({
      country: 'US',
      city: null,
      asn: 13335,
      sources: ['iptoasn-country', 'routeviews-dbip-asn'],
    })
  })

  it('is read lazily: a missing file fails at the first lookup, not when configured', async () => {
    const source = new MmdbGeoSource('operator:missing', join(dir, 'missing.mmdb'))
    await expect(source.lookup('8.8.8.8')).rejects.toThrow(/ENOENT/)
  })
})
