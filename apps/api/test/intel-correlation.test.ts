// intel.credentials / intel.identities / intel.campaigns / attackers.identity over what the
// correlation worker (started by the API's own workers, DECNET_CORRELATION_MS short here) stored.

import { insertIntelRows } from '@decnet/db/testing'
import { beforeAll, describe, expect, it } from 'vitest'
import { MASK } from '../src/logs/secret-mask.ts'
import { codeOf } from './support/accounts.ts'
import { inProcessApiOfSuite } from './support/in-process.ts'
import { eventually } from './support/wait.ts'

const T = (minute: number) => new Date(Date.UTC(2026, 10, 25, 10, minute))
const FIRST = '198.51.100.21'
const SECOND = '198.51.100.22'
const LONER = '198.51.100.23'
const MINER = 'http://miner:Pool-Pass-77@198.51.100.200/xmrig'

describe('correlation procedures', () => {
  const api = inProcessApiOfSuite({
    viewer: 'analyst',
    env: {
      DECNET_DISABLE_WORKERS: 'runner,collector,reconciler,mutator,incidents',
      DECNET_CORRELATION_MS: '200',
    },
  })
  const { admin, viewer } = api
  beforeAll(async () => {
    const login = (
      attackerIp: string,
      decky: string,
      username: string,
      password: string,
      minute: number,
    ) => ({
      timestamp: T(minute),
      decky,
      service: 'ssh',
      eventType: 'auth_attempt',
      attackerIp,
      rawLine: `login ${username}`,
      fields: { username, password },
    })
    await api.services.db.logs.ingest([
      login(FIRST, 'alpha', 'oracle', 'Winter2026!', 1),
      login(SECOND, 'beta', 'oracle', 'Winter2026!', 2),
      login(FIRST, 'alpha', 'root', '123456', 3),
      login(LONER, 'gamma', 'pi', 'raspberry', 400),
    ])
    // The miner URL, as the intelligence stage records it (written straight into its table here).
    await insertIntelRows(api.services.config.databaseUrl, {
      iocs: [
        { attackerIp: FIRST, kind: 'url', value: MINER },
        { attackerIp: LONER, kind: 'url', value: MINER },
      ],
    })
    // One more event moves the watermark the worker watches for.
    await api.services.db.logs.ingest([login(LONER, 'gamma', 'pi', 'raspberry', 401)])
    await eventually(
      () => admin.intel.campaigns({}),
      (page) => page.total === 1,
      'the correlation worker to store the campaign',
    )
  }, 60_000)

  it('intel.credentials: one reused credential (two deckies, two addresses); the secret only for admins', async () => {
    const asViewer = await viewer.intel.credentials({ view: 'reused' })
    expect(asViewer.total).toBe(1)
    expect(asViewer.rows[0]).toMatchObject({
      username: 'oracle',
      secret: MASK,
      deckyCount: 2,
      ipCount: 2,
      reused: true,
    })
    expect(JSON.stringify(asViewer)).not.toContain('Winter2026!')
    const asAdmin = await admin.intel.credentials({ view: 'reused' })
    expect(asAdmin.rows[0]?.secret).toBe('Winter2026!')

    const top = await viewer.intel.credentials({ view: 'top', limit: 2 })
    expect(top.total).toBe(3)
    expect(top.rows).toHaveLength(2)
    expect(top.nextCursor).toBe('2')
    expect(JSON.stringify(top)).not.toMatch(/123456|raspberry/)
    expect(await codeOf(viewer.intel.credentials({ view: 'top', limit: 10_000 }))).toBe('BAD_REQUEST')
  })

  it('attackers.identity: the two addresses are one identity, linked to their attacker pages; the campaign masks the URL password for viewers', async () => {
    const attackers = await admin.attackers.list({ sort: 'recent' })
    const idOf = (ip: string) => attackers.rows.find((a) => a.ip === ip)?.id ?? ''
    const { identity } = await viewer.attackers.identity({ id: idOf(SECOND) })
    expect(identity?.ipCount).toBe(2)
    expect(identity?.members.map((m) => [m.ip, m.attackerId])).toEqual([
      [FIRST, idOf(FIRST)],
      [SECOND, idOf(SECOND)],
    ])
    expect(identity?.evidence.join(' | ')).toMatch(/credential\(s\) in common \(user oracle\)/)
    expect(identity?.evidence.join(' | ')).toMatch(/active at the same time/)
    expect(identity?.campaign?.ipCount).toBe(3)
    expect(identity?.campaign?.iocs).toHaveLength(1)
    expect(JSON.stringify(identity)).not.toContain('Pool-Pass-77')
    expect(identity?.campaign?.iocs[0]?.value).toContain(MASK)
    const forAdmin = await admin.attackers.identity({ id: idOf(SECOND) })
    expect(forAdmin.identity?.campaign?.iocs).toEqual([{ kind: 'url', value: MINER }])

    // The lone address is its own identity inside the campaign.
    const loner = await viewer.attackers.identity({ id: idOf(LONER) })
    expect(loner.identity).toMatchObject({ ipCount: 1, campaignId: identity?.campaignId })
    expect(await codeOf(viewer.attackers.identity({ id: 'no-such-attacker' }))).toBe('NOT_FOUND')
  })

  it('intel.identities lists identities of several addresses; intel.campaigns lists campaigns with their identities', async () => {
    const identities = await viewer.intel.identities({})
    expect(identities.total).toBe(1)
    expect(identities.rows[0]?.ips).toEqual([FIRST, SECOND])
    const campaigns = await viewer.intel.campaigns({})
    expect(campaigns.rows[0]?.identities.map((i) => i.ipCount)).toEqual([2, 1])
    expect(campaigns.rows[0]?.evidence.join(' | ')).not.toContain('Pool-Pass-77')
  })

  it('the worker records a correlation heartbeat with its counts', async () => {
    const beat = await eventually(
      async () => (await api.services.db.heartbeats.list()).find((b) => b.worker === 'correlation'),
      (found) => found !== undefined && /identities 1, campaigns 1/.test(found.detail ?? ''),
      'the correlation heartbeat',
      60_000,
    )
    expect(beat?.status).toBe('ok')
  }, 90_000)
})
