import { describe, expect, it } from 'vitest'
import { insertIntelRows } from '../src/testing/intel-rows.ts'
import { databases, event, freshDatabaseEachTest } from './fixtures.ts'

const T = (minute: number) => new Date(Date.UTC(2026, 10, 25, 10, minute))
const login = (attackerIp: string, decky: string, username: string, password: string, minute = 0) =>
  event({ attackerIp, decky, timestamp: T(minute), fields: { username, password } })

describe.each(databases())('correlation storage on $kind', (provider) => {
  const fresh = freshDatabaseEachTest(provider)

  it('summarises credentials fleet-wide: one reused credential for two deckies and two IPs, top pairs by attempts', async () => {
    const { db } = fresh
    await db.logs.ingest([
      login('198.51.100.1', 'alpha', 'oracle', 'Spring2026!', 1),
      login('198.51.100.1', 'alpha', 'oracle', 'Spring2026!', 2),
      login('198.51.100.2', 'beta', 'oracle', 'Spring2026!', 3),
      login('198.51.100.1', 'alpha', 'root', 'toor', 4),
      login('198.51.100.1', 'alpha', 'root', 'toor', 5),
      login('198.51.100.1', 'alpha', 'root', 'toor', 6),
      login('198.51.100.1', 'alpha', 'root', 'toor', 6),
      // the same user with another password is another credential
      login('198.51.100.2', 'beta', 'oracle', 'other', 7),
    ])
    await db.correlation.replace({ identities: [], campaigns: [] })
    const reused = await db.correlation.credentials({ view: 'reused' })
    expect(reused.total).toBe(1)
    expect(reused.rows[0]).toMatchObject({
      kind: 'password',
      principal: 'oracle',
      secret: 'Spring2026!',
      attempts: 3,
      deckyCount: 2,
      ipCount: 2,
      reused: true,
      services: ['ssh'],
    })
    expect([...(reused.rows[0]?.deckies ?? [])].sort()).toEqual(['alpha', 'beta'])
    expect([...(reused.rows[0]?.attackerIps ?? [])].sort()).toEqual(['198.51.100.1', '198.51.100.2'])
    expect(reused.rows[0]?.firstSeen.toISOString()).toBe(T(1).toISOString())
    expect(reused.rows[0]?.lastSeen.toISOString()).toBe(T(3).toISOString())

    const top = await db.correlation.credentials({ view: 'top', limit: 2 })
    expect(top.total).toBe(3)
    expect(top.rows.map((r) => [r.principal, r.attempts, r.reused])).toEqual([
      ['root', 4, false],
      ['oracle', 3, true],
    ])
    const rest = await db.correlation.credentials({ view: 'top', limit: 2, cursor: top.nextCursor })
    expect(rest.rows.map((r) => r.secret)).toEqual(['other'])
    expect(rest.nextCursor).toBeUndefined()

    // A rebuild replaces, never accumulates.
    await db.correlation.replace({ identities: [], campaigns: [] })
    expect((await db.correlation.credentials({ view: 'top' })).total).toBe(3)
  })

  it('reads only traits shared by 2..maxSharedBy addresses, with techniques and activity of those addresses', async () => {
    const { db, url } = fresh
    await db.logs.ingest([
      login('10.0.0.1', 'alpha', 'admin', 'x', 1),
      login('10.0.0.2', 'alpha', 'admin', 'x', 2),
      login('10.0.0.3', 'alpha', 'solo', 'y', 3),
    ])
    await insertIntelRows(url, {
      fingerprints: [
        { attackerIp: '10.0.0.1', kind: 'hassh', value: 'aaa' },
        { attackerIp: '10.0.0.2', kind: 'hassh', value: 'aaa' },
        { attackerIp: '10.0.0.3', kind: 'hassh', value: 'lonely' },
        ...['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'].map((ip) => ({
          attackerIp: ip,
          kind: 'ja3',
          value: 'everyone',
        })),
      ],
      iocs: [
        { attackerIp: '10.0.0.1', kind: 'url', value: 'http://x/miner' },
        { attackerIp: '10.0.0.5', kind: 'url', value: 'http://x/miner' },
      ],
      techniques: [{ attackerIp: '10.0.0.5', technique: 'T1496' }],
    })
    const before = await db.correlation.watermark()
    const inputs = await db.correlation.inputs({ maxSharedBy: 3 })
    expect(inputs.fingerprints.map((f) => `${f.ip} ${f.value}`).sort()).toEqual([
      '10.0.0.1 aaa',
      '10.0.0.2 aaa',
    ])
    expect(inputs.credentials.map((c) => `${c.ip} ${c.principal}`).sort()).toEqual([
      '10.0.0.1 admin',
      '10.0.0.2 admin',
    ])
    expect(inputs.credentials[0]?.secretHash).toMatch(/^[0-9a-f]{64}$/)
    expect(inputs.iocs.map((i) => i.ip).sort()).toEqual(['10.0.0.1', '10.0.0.5'])
    expect(inputs.techniques).toEqual([{ ip: '10.0.0.5', technique: 'T1496' }])
    // 10.0.0.5 has no events: no attacker row, so no activity for it.
    expect(inputs.activity.map((a) => a.ip).sort()).toEqual(['10.0.0.1', '10.0.0.2'])
    expect(inputs.activity.find((a) => a.ip === '10.0.0.2')?.firstSeen.toISOString()).toBe(T(2).toISOString())
    expect(inputs.truncated).toBe(false)
    expect((await db.correlation.inputs({ maxSharedBy: 4 })).fingerprints).toHaveLength(6)
    expect((await db.correlation.inputs({ maxSharedBy: 4, maxTraitRows: 2 })).truncated).toBe(true)

    expect(await db.correlation.watermark()).toBe(before)
    await db.logs.ingest([login('10.0.0.9', 'alpha', 'a', 'b')])
    expect(await db.correlation.watermark()).not.toBe(before)
  })

  it('stores identities with members and campaigns; an address finds its identity, members link to attackers', async () => {
    const { db } = fresh
    await db.logs.ingest([login('10.1.0.1', 'alpha', 'u', 'p', 1), login('10.1.0.2', 'beta', 'u', 'p', 2)])
    await db.correlation.replace({
      identities: [
        {
          id: 'ident-a',
          members: [
            { ip: '10.1.0.1', evidence: ['with 10.1.0.2: same fingerprint'] },
            { ip: '10.1.0.2', evidence: ['with 10.1.0.1: same fingerprint'] },
          ],
          evidence: ['2 addresses linked'],
          campaignId: 'camp-1',
          firstSeen: T(1),
          lastSeen: T(2),
        },
        {
          id: 'ident-b',
          members: [{ ip: '10.1.0.9', evidence: [] }],
          evidence: ['a single address'],
          campaignId: 'camp-1',
          firstSeen: T(5),
          lastSeen: T(6),
        },
      ],
      campaigns: [
        {
          id: 'camp-1',
          identityIds: ['ident-a', 'ident-b'],
          ipCount: 3,
          evidence: ['shared indicator: url http://x/miner'],
          iocs: [{ kind: 'url', value: 'http://x/miner' }],
          techniques: ['T1496'],
          firstSeen: T(1),
          lastSeen: T(6),
        },
      ],
    })
    const detail = await db.correlation.identityOf('10.1.0.2')
    expect(detail?.identity).toMatchObject({ id: 'ident-a', ipCount: 2, campaignId: 'camp-1' })
    expect(detail?.members.map((m) => m.ip)).toEqual(['10.1.0.1', '10.1.0.2'])
    expect(detail?.members.every((m) => typeof m.attackerId === 'string')).toBe(true)
    expect(detail?.campaign).toMatchObject({
      id: 'camp-1',
      identityCount: 2,
      ipCount: 3,
      techniques: ['T1496'],
    })
    expect(detail?.campaign?.iocs).toEqual([{ kind: 'url', value: 'http://x/miner' }])
    expect((await db.correlation.identityOf('10.1.0.9'))?.members).toEqual([
      { ip: '10.1.0.9', attackerId: null, evidence: [] },
    ])
    expect(await db.correlation.identityOf('10.1.0.77')).toBeNull()

    // Lists: identities of several addresses only; campaigns with their identities.
    const identities = await db.correlation.identities()
    expect(identities.total).toBe(1)
    expect(identities.rows[0]).toMatchObject({ id: 'ident-a', ips: ['10.1.0.1', '10.1.0.2'] })
    const campaigns = await db.correlation.campaigns()
    expect(campaigns.rows[0]?.identities).toEqual([
      { id: 'ident-a', ipCount: 2 },
      { id: 'ident-b', ipCount: 1 },
    ])
  })
})
