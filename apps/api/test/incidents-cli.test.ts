// `decnet incidents …` against a real server process: list with filters, show, ack/resolve with a
// note, and the ignore rules, each as a user would type it (and the refusals a user would see).
import { createDatabase, type DecnetDatabase, defaultDatabaseUrl } from '@decnet/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readyAdmin, readyUser } from './support/accounts.ts'
import { decnet } from './support/cli.ts'
import { NO_WORKERS } from './support/in-process.ts'
import { incidentId, incidentRecord, openIncidents } from './support/incidents.ts'
import { type ServerProcess, startServerProcess } from './support/server.ts'
import { readSubscription } from './support/sse.ts'

const T = (minute: number) => new Date(Date.UTC(2026, 11, 3, 10, minute))
const ID = incidentId
const incident = incidentRecord

describe('decnet incidents', () => {
  let api: ServerProcess
  let db: DecnetDatabase
  let admin: { url: string; token: string }
  let viewer: { url: string; token: string }
  beforeAll(async () => {
    api = await startServerProcess(NO_WORKERS)
    const signedIn = await readyAdmin(api)
    admin = { url: api.url, token: signedIn.token }
    viewer = { url: api.url, token: (await readyUser(api, signedIn.client, 'cli-viewer', 'viewer')).token }
    // The server's own database file, written as the grouping worker would.
    db = createDatabase(defaultDatabaseUrl(api.dataDir))
    await openIncidents(
      db,
      incident(1, { severity: 'low' }),
      incident(2, {
        severity: 'critical',
        decky: 'db-01',
        deckies: ['db-01', 'web-01'],
        services: ['mysql', 'ssh'],
        reasons: ['successful login on ssh', 'evil\u001b[31m red'],
      }),
    )
    await db.logs.ingest([
      {
        timestamp: new Date(T(2).getTime() + 1000),
        decky: 'db-01',
        service: 'mysql',
        eventType: 'login_attempt',
        attackerIp: '203.0.113.2',
        rawLine: 'login root',
        fields: { username: 'root' },
      },
    ])
  }, 60_000)
  afterAll(async () => {
    await db?.close()
    await api?.stop()
  })

  it('lists incidents, filtered, and as JSON for scripts', async () => {
    const all = await decnet(['incidents'], admin)
    expect(all.code).toBe(0)
    const lines = all.stdout.trim().split('\n')
    expect(lines[0]).toMatch(new RegExp(`^${ID(2)} critical +open +203\\.0\\.113\\.2 +db-01 \\(\\+1\\) +2 `))
    expect(lines[1]).toContain(ID(1))
    expect(lines.at(-1)).toBe('2 matching')

    const severe = await decnet(
      ['--json', 'incidents', 'list', '--severity', 'high', '--state', 'open'],
      admin,
    )
    expect(JSON.parse(severe.stdout).rows.map((row: { id: string }) => row.id)).toEqual([ID(2)])

    const none = await decnet(['incidents', 'list', '--ip', '198.51.100.1'], admin)
    expect(none).toMatchObject({ code: 0, stdout: 'no incidents match\n' })

    const badState = await decnet(['incidents', 'list', '--state', 'closed'], admin)
    expect(badState.code).toBe(1)
    expect(badState.stderr).toContain('unknown state closed')
  }, 120_000)

  it('shows one incident with its events; attacker text cannot drive the terminal', async () => {
    const shown = await decnet(['incidents', 'show', ID(2)], viewer)
    expect(shown.code).toBe(0)
    expect(shown.stdout).toContain(`incident ${ID(2)}: critical, open`)
    expect(shown.stdout).toContain('deckies    db-01, web-01')
    expect(shown.stdout).toContain('reason     successful login on ssh')
    expect(shown.stdout).toMatch(/db-01 +mysql +login_attempt/)
    expect(shown.stdout).not.toContain('\u001b')
    expect(shown.stdout).toContain('evil\\x1b[31m red')

    const missing = await decnet(['incidents', 'show', 'no-such-id'], viewer)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('no incident with id no-such-id')
  }, 120_000)

  it('acknowledges and resolves with a note (admins only); a second resolve is refused', async () => {
    const refused = await decnet(['incidents', 'ack', ID(1)], viewer)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('admin role')

    const acked = await decnet(['incidents', 'ack', ID(1), '--note', 'on it'], admin)
    expect(acked).toMatchObject({ code: 0, stdout: `acknowledged incident ${ID(1)} (203.0.113.1)\n` })
    const resolved = await decnet(['--json', 'incidents', 'resolve', ID(1), '--note', 'lab scanner'], admin)
    expect(JSON.parse(resolved.stdout)).toMatchObject({
      state: 'resolved',
      acknowledgedBy: 'admin',
      resolvedBy: 'admin',
      note: 'lab scanner',
    })
    const again = await decnet(['incidents', 'resolve', ID(1)], admin)
    expect(again.code).toBe(1)
    expect(again.stderr).toContain(`cannot resolve incident ${ID(1)}: it is resolved`)
  }, 120_000)

  it('manages ignore rules: add, list, remove; a malformed CIDR is refused with the reason', async () => {
    const added = await decnet(
      ['--json', 'incidents', 'ignore', 'add', 'cidr', '198.51.100.0/24', '--note', 'lab'],
      admin,
    )
    expect(added.code).toBe(0)
    const rule = JSON.parse(added.stdout) as { id: string }

    const listed = await decnet(['incidents', 'ignore'], viewer)
    expect(listed.stdout).toMatch(new RegExp(`^${rule.id} +cidr +198\\.51\\.100\\.0/24 +admin `))
    expect(listed.stdout).toContain('lab')

    const bad = await decnet(['incidents', 'ignore', 'add', 'cidr', '198.51.100.7/24'], admin)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('has host bits set (did you mean 198.51.100.0/24?)')
    const badKind = await decnet(['incidents', 'ignore', 'add', 'port', '22'], admin)
    expect(badKind.code).toBe(1)
    expect(badKind.stderr).toContain('Allowed choices are cidr, service, decky, scanner')
    const byViewer = await decnet(['incidents', 'ignore', 'add', 'service', 'ssh'], viewer)
    expect(byViewer.code).toBe(1)

    const removed = await decnet(['incidents', 'ignore', 'remove', rule.id], admin)
    expect(removed).toMatchObject({ code: 0, stdout: 'removed ignore rule cidr 198.51.100.0/24\n' })
    expect((await decnet(['incidents', 'ignore', 'list'], admin)).stdout).toBe('no ignore rules\n')
    const actions = (await db.audit.list({ target: rule.id, actionPrefix: 'ignore_rule.' })).map(
      (entry) => entry.action,
    )
    expect(actions).toEqual(['ignore_rule.removed', 'ignore_rule.added'])
  }, 120_000)

  it('incidents.onNew over SSE: a browser reconnecting with Last-Event-ID gets what opened meanwhile, then live', async () => {
    type Opened = { id: string; attackerIp: string }
    const resumeFrom = String(await db.incidents.newestAlertId())
    await openIncidents(db, incident(3), incident(4))
    const reading = readSubscription<Opened>(
      admin.url,
      viewer.token,
      'incidents.onNew',
      {},
      (events) => events.length >= 3,
      resumeFrom,
    )
    // Most likely heard live (the stream is open by then); replayed from the database otherwise: either way once.
    await new Promise((resolve) => setTimeout(resolve, 500))
    await openIncidents(db, incident(5))
    const events = await reading
    expect(events.map((event) => event.data.id)).toEqual([ID(3), ID(4), ID(5)])
    expect(events.map((event) => Number(event.id))).toEqual([1, 2, 3].map((n) => Number(resumeFrom) + n))
  }, 120_000)
})
