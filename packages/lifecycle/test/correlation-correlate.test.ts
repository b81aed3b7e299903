import type { CorrelationInputs } from '@decnet/db'
import { describe, expect, it } from 'vitest'
import { correlate, TIMING_SLACK_MS } from '../src/index.ts'

const T = (minute: number) => new Date(Date.UTC(2026, 10, 25, 10, minute))
const empty = (): CorrelationInputs => ({
  fingerprints: [],
  credentials: [],
  iocs: [],
  techniques: [],
  activity: [],
  truncated: false,
})
const seen = (ip: string, from: number, to: number) => ({ ip, firstSeen: T(from), lastSeen: T(to) })
const cred = (ip: string, principal = 'oracle', secretHash = 'a'.repeat(64)) => ({
  ip,
  kind: 'password',
  principal,
  secretHash,
})

describe('identities: two of fingerprint, credential, timing', () => {
  it('links addresses sharing a HASSH and a credential, whatever their timing, with the evidence', () => {
    const result = correlate({
      ...empty(),
      fingerprints: [
        { ip: '10.0.0.1', kind: 'hassh', value: 'ec7378c1a92f5a8dde7e8b7a1ddf33d1' },
        { ip: '10.0.0.2', kind: 'hassh', value: 'ec7378c1a92f5a8dde7e8b7a1ddf33d1' },
      ],
      credentials: [cred('10.0.0.1'), cred('10.0.0.2')],
      activity: [seen('10.0.0.1', 0, 1), { ip: '10.0.0.2', firstSeen: T(600), lastSeen: T(601) }],
    })
    expect(result.identities).toHaveLength(1)
    const [identity] = result.identities
    expect(identity?.members.map((m) => m.ip)).toEqual(['10.0.0.1', '10.0.0.2'])
    expect(identity?.campaignId).toBeNull()
    expect(identity?.evidence[0]).toBe('2 addresses linked')
    expect(identity?.evidence.join(' | ')).toMatch(/same fingerprint \(hassh ec7378c1/)
    expect(identity?.evidence.join(' | ')).toMatch(/1 credential\(s\) in common \(user oracle\)/)
    expect(identity?.evidence.join(' | ')).not.toMatch(/same time/)
    expect(identity?.members[0]?.evidence[0]).toMatch(/^with 10\.0\.0\.2: /)
    expect(identity?.firstSeen).toEqual(T(0))
    expect(identity?.lastSeen).toEqual(T(601))
    expect(identity?.id).toMatch(/^ident-[0-9a-f]{16}$/)
  })

  it('a credential tried at the same time links; the evidence never holds the secret or its hash', () => {
    const hash = 'b'.repeat(64)
    const result = correlate({
      ...empty(),
      credentials: [cred('10.0.0.1', 'admin', hash), cred('10.0.0.2', 'admin', hash)],
      activity: [seen('10.0.0.1', 0, 5), seen('10.0.0.2', 20, 30)],
    })
    expect(result.identities.map((i) => i.members.length)).toEqual([2])
    const text = JSON.stringify(result)
    expect(text).not.toContain(hash)
    expect(text).not.toContain(hash.slice(0, 8))
  })

  it('one signal alone links nobody: a shared credential far apart in time, a lone weak fingerprint at the same time', () => {
    expect(
      correlate({
        ...empty(),
        credentials: [cred('10.0.0.1'), cred('10.0.0.2')],
        activity: [
          seen('10.0.0.1', 0, 1),
          {
            ip: '10.0.0.2',
            ...{
              firstSeen: new Date(T(1).getTime() + TIMING_SLACK_MS + 60_000),
              lastSeen: new Date(T(1).getTime() + TIMING_SLACK_MS + 120_000),
            },
          },
        ],
      }).identities,
    ).toEqual([])
    // A user agent alone is no fingerprint signal; with timing that is still one signal.
    expect(
      correlate({
        ...empty(),
        fingerprints: [
          { ip: '10.0.0.1', kind: 'user_agent', value: 'curl/7.88.1' },
          { ip: '10.0.0.2', kind: 'user_agent', value: 'curl/7.88.1' },
        ],
        activity: [seen('10.0.0.1', 0, 1), seen('10.0.0.2', 0, 1)],
      }).identities,
    ).toEqual([])
    // Two weak fingerprints together (client version + user agent) count, and with timing they link.
    expect(
      correlate({
        ...empty(),
        fingerprints: [
          { ip: '10.0.0.1', kind: 'user_agent', value: 'Go-http-client/1.1' },
          { ip: '10.0.0.2', kind: 'user_agent', value: 'Go-http-client/1.1' },
          { ip: '10.0.0.1', kind: 'ssh_client', value: 'SSH-2.0-Go' },
          { ip: '10.0.0.2', kind: 'ssh_client', value: 'SSH-2.0-Go' },
        ],
        activity: [seen('10.0.0.1', 0, 1), seen('10.0.0.2', 0, 1)],
      }).identities.map((i) => i.members.length),
    ).toEqual([2])
  })

  it('links are transitive: a–b and b–c make one identity of three', () => {
    const result = correlate({
      ...empty(),
      fingerprints: [
        { ip: '10.0.0.1', kind: 'ja4', value: 't13d1516h2_8daaf6152771_e5627efa2ab1' },
        { ip: '10.0.0.2', kind: 'ja4', value: 't13d1516h2_8daaf6152771_e5627efa2ab1' },
        { ip: '10.0.0.2', kind: 'hassh', value: 'h2' },
        { ip: '10.0.0.3', kind: 'hassh', value: 'h2' },
      ],
      activity: [seen('10.0.0.1', 0, 1), seen('10.0.0.2', 5, 6), seen('10.0.0.3', 10, 11)],
    })
    expect(result.identities.map((i) => i.members.map((m) => m.ip))).toEqual([
      ['10.0.0.1', '10.0.0.2', '10.0.0.3'],
    ])
  })
})

describe('campaigns: identities sharing indicators and techniques', () => {
  it('a shared download URL puts two unrelated addresses in one campaign, with shared uncommon techniques listed', () => {
    const result = correlate({
      ...empty(),
      iocs: [
        { ip: '10.0.0.1', kind: 'url', value: 'http://172.31.77.50/xmrig' },
        { ip: '10.0.0.9', kind: 'url', value: 'http://172.31.77.50/xmrig' },
      ],
      techniques: [
        { ip: '10.0.0.1', technique: 'T1105' },
        { ip: '10.0.0.9', technique: 'T1105' },
        { ip: '10.0.0.1', technique: 'T1496' },
        { ip: '10.0.0.9', technique: 'T1496' },
        { ip: '10.0.0.1', technique: 'T1110.001' },
        { ip: '10.0.0.9', technique: 'T1110.001' },
        { ip: '10.0.0.9', technique: 'T1053.003' },
      ],
      activity: [seen('10.0.0.1', 0, 1), seen('10.0.0.9', 300, 301)],
    })
    expect(result.campaigns).toHaveLength(1)
    const [campaign] = result.campaigns
    expect(campaign?.ipCount).toBe(2)
    expect(campaign?.iocs).toEqual([{ kind: 'url', value: 'http://172.31.77.50/xmrig' }])
    expect(campaign?.techniques).toEqual(['T1105', 'T1496'])
    expect(campaign?.evidence).toEqual([
      'shared indicator: url http://172.31.77.50/xmrig',
      'techniques in common: T1105, T1496',
    ])
    // Each address is a one-address identity of the campaign.
    const byIp = [...result.identities].sort((a, b) =>
      (a.members[0]?.ip ?? '').localeCompare(b.members[0]?.ip ?? ''),
    )
    expect(byIp.map((i) => [i.members.map((m) => m.ip), i.campaignId])).toEqual([
      [['10.0.0.1'], campaign?.id],
      [['10.0.0.9'], campaign?.id],
    ])
    expect(campaign?.identityIds.sort()).toEqual(result.identities.map((i) => i.id).sort())
  })

  it('a weak indicator needs two uncommon techniques in common; brute force alone does not count', () => {
    const base = {
      ...empty(),
      iocs: [
        { ip: '10.0.0.1', kind: 'filename', value: '/tmp/.x' },
        { ip: '10.0.0.2', kind: 'filename', value: '/tmp/.x' },
      ],
    }
    const common = ['T1110.001', 'T1595'].flatMap((technique) => [
      { ip: '10.0.0.1', technique },
      { ip: '10.0.0.2', technique },
    ])
    expect(correlate({ ...base, techniques: common }).campaigns).toEqual([])
    const specific = ['T1082', 'T1033'].flatMap((technique) => [
      { ip: '10.0.0.1', technique },
      { ip: '10.0.0.2', technique },
    ])
    expect(
      correlate({ ...base, techniques: [...common, ...specific] }).campaigns.map((c) => c.techniques),
    ).toEqual([['T1033', 'T1082']])
  })

  it('an identity is one unit: its addresses sharing a URL make no campaign; another identity sharing it does', () => {
    const url = { kind: 'url', value: 'http://203.0.113.5/bot.sh' }
    const result = correlate({
      ...empty(),
      credentials: [cred('10.0.0.1'), cred('10.0.0.2')],
      iocs: [
        { ip: '10.0.0.1', ...url },
        { ip: '10.0.0.2', ...url },
      ],
      activity: [seen('10.0.0.1', 0, 1), seen('10.0.0.2', 0, 1)],
    })
    expect(result.campaigns).toEqual([])
    expect(result.identities.map((i) => i.members.length)).toEqual([2])

    const joined = correlate({
      ...empty(),
      credentials: [cred('10.0.0.1'), cred('10.0.0.2')],
      iocs: [
        { ip: '10.0.0.1', ...url },
        { ip: '10.0.0.2', ...url },
        { ip: '10.0.0.3', ...url },
      ],
      activity: [seen('10.0.0.1', 0, 1), seen('10.0.0.2', 0, 1), seen('10.0.0.3', 500, 501)],
    })
    expect(joined.campaigns.map((c) => [c.identityIds.length, c.ipCount])).toEqual([[2, 3]])
    expect(joined.identities.map((i) => i.members.length)).toEqual([2, 1])
  })

  it('work is bounded per trait kind: credential pairs beyond the budget are cut, indicators still link', () => {
    const crowd = Array.from({ length: 460 }, (_, i) => `10.1.${i >> 8}.${i & 255}`)
    const result = correlate({
      ...empty(),
      credentials: crowd.map((ip) => cred(ip)),
      iocs: [
        { ip: '10.9.0.1', kind: 'sha256', value: 'f'.repeat(64) },
        { ip: '10.9.0.2', kind: 'sha256', value: 'f'.repeat(64) },
      ],
      activity: crowd.map((ip) => seen(ip, 0, 1)),
    })
    expect(result.truncated).toBe(true)
    expect(result.campaigns.map((c) => c.ipCount)).toEqual([2])
  })
})
