// The shared zod schemas: strict inputs, stripped outputs, Dates serialised to ISO strings.
import { describe, expect, it } from 'vitest'
import {
  ARCHETYPES,
  DISTROS,
  ZArchetype,
  ZDecky,
  ZDeployRequest,
  ZDistro,
  ZHostEnrollRequest,
  ZHostNetwork,
  ZLifecycleIds,
  ZLifecycleRow,
  ZPublicUser,
  ZSetMutateIntervalRequest,
  ZTeardownRequest,
} from '../src/index.ts'

const decky = {
  name: 'decky-01',
  ip: '192.168.1.10',
  mac: '00:1b:21:4a:0c:01',
  hostname: 'SRV-DELTA-77',
  distro: 'debian',
  archetype: 'linux-server',
  services: ['ssh', 'http'],
  serviceConfig: { http: { response_code: 200, http_versions: ['http/1.1'] } },
  osFamily: 'linux',
  mutateIntervalMinutes: 30,
  lastMutatedAt: new Date('2026-01-02T03:04:05.000Z'),
  hostId: 'local',
  state: 'running',
}

describe('ZDecky', () => {
  it('accepts a full decky and serialises Dates to ISO strings', () => {
    const parsed = ZDecky.parse(decky)
    expect(parsed.lastMutatedAt).toBe('2026-01-02T03:04:05.000Z')
    expect(ZDecky.parse({ ...decky, lastMutatedAt: '2026-01-02T03:04:05Z' }).lastMutatedAt).toBe(
      '2026-01-02T03:04:05Z',
    )
  })

  it.each([
    ['upper-case name', { name: 'Decky-01' }],
    ['dotted name', { name: 'a.b' }],
    ['bad IP', { ip: '192.168.1.300' }],
    ['Docker-style MAC text', { mac: '02:42:AC:11:00:02' }],
    ['unknown service', { services: ['ssh', 'sniffer'] }],
    ['no services', { services: [] }],
    ['unknown state', { state: 'exploded' }],
    ['zero interval', { mutateIntervalMinutes: 0 }],
  ])('rejects %s', (_title, patch) => {
    expect(ZDecky.safeParse({ ...decky, ...patch }).success).toBe(false)
  })
})

describe('request schemas', () => {
  it('ZDeployRequest defaults replaceFleet to false and rejects unknown keys, wrong types, oversize', () => {
    expect(ZDeployRequest.parse({ ini: '[a]' })).toEqual({ ini: '[a]', replaceFleet: false })
    expect(ZDeployRequest.safeParse({ ini: '[a]', replace_fleet: true }).success).toBe(false)
    expect(ZDeployRequest.safeParse({ ini: 42 }).success).toBe(false)
    expect(ZDeployRequest.safeParse({ ini: 'x'.repeat(512 * 1024 + 1) }).success).toBe(false)
  })

  it('ZHostNetwork validates the subnet as a real network', () => {
    const network = { driver: 'macvlan', parent: 'eth0', subnet: '192.168.1.0/24', gateway: '192.168.1.1' }
    expect(ZHostNetwork.parse(network)).toEqual(network)
    for (const subnet of ['192.168.1.5/24', '192.168.1.0/32', '999.1.1.0/24', '192.168.1.0']) {
      expect(ZHostNetwork.safeParse({ ...network, subnet }).success).toBe(false)
    }
    expect(ZHostNetwork.safeParse({ ...network, driver: 'overlay' }).success).toBe(false)
  })

  it('ZHostEnrollRequest takes only a TCP engine, and a parent interface for macvlan/ipvlan', () => {
    const tls = { ca: 'ca', cert: 'cert', key: 'key' }
    const bridge = { driver: 'bridge', subnet: '10.2.0.0/24', gateway: '10.2.0.1' }
    const ok = { name: 'edge-1', dockerUrl: 'tcp://10.0.0.7:2376', tls, network: bridge }
    expect(ZHostEnrollRequest.safeParse(ok).success).toBe(true)
    for (const dockerUrl of [
      'unix:///var/run/docker.sock',
      'http://10.0.0.7:2375',
      'tcp://10.0.0.7:2376/x y',
    ]) {
      expect(ZHostEnrollRequest.safeParse({ ...ok, dockerUrl }).success).toBe(false)
    }
    const macvlan = { ...ok, network: { ...bridge, driver: 'macvlan' } }
    const refused = ZHostEnrollRequest.safeParse(macvlan)
    expect(refused.success).toBe(false)
    expect(refused.error?.issues[0]?.message).toContain('parent interface')
    expect(
      ZHostEnrollRequest.safeParse({ ...macvlan, network: { ...macvlan.network, parent: 'eth0' } }).success,
    ).toBe(true)
  })

  it('ZTeardownRequest is exactly {name} or {all: true}', () => {
    expect(ZTeardownRequest.parse({ name: 'a' })).toEqual({ name: 'a' })
    expect(ZTeardownRequest.parse({ all: true })).toEqual({ all: true })
    expect(ZTeardownRequest.safeParse({ all: false }).success).toBe(false)
    expect(ZTeardownRequest.safeParse({ name: 'a', all: true }).success).toBe(false)
    expect(ZTeardownRequest.safeParse({}).success).toBe(false)
  })

  it('ZLifecycleIds takes 1..200 ids', () => {
    expect(ZLifecycleIds.safeParse({ ids: [] }).success).toBe(false)
    expect(ZLifecycleIds.safeParse({ ids: Array.from({ length: 201 }, (_, i) => `id-${i}`) }).success).toBe(
      false,
    )
    expect(ZLifecycleIds.parse({ ids: ['a'] })).toEqual({ ids: ['a'] })
  })

  it('ZSetMutateIntervalRequest takes an interval string or null', () => {
    expect(ZSetMutateIntervalRequest.parse({ name: 'a', interval: '30m' }).interval).toBe('30m')
    expect(ZSetMutateIntervalRequest.parse({ name: 'a', interval: null }).interval).toBeNull()
    for (const interval of ['1s', '60', '0m', '']) {
      expect(ZSetMutateIntervalRequest.safeParse({ name: 'a', interval }).success).toBe(false)
    }
  })
})

describe('output schemas', () => {
  it('ZPublicUser strips anything beyond the public shape (e.g. passwordHash)', () => {
    const user = ZPublicUser.parse({
      id: 'u1',
      username: 'admin',
      role: 'admin',
      mustChangePassword: true,
      createdAt: new Date('2026-01-01T00:00:00.000Z'),
      passwordHash: '$argon2id$secret',
    })
    expect(user).toEqual({
      id: 'u1',
      username: 'admin',
      role: 'admin',
      mustChangePassword: true,
      createdAt: '2026-01-01T00:00:00.000Z',
    })
  })

  it('ZLifecycleRow serialises its dates and keeps optional fields optional', () => {
    const row = ZLifecycleRow.parse({
      id: 'l1',
      deckyName: 'decky-01',
      operation: 'deploy',
      status: 'failed',
      attempt: 1,
      error: 'port 22 did not answer',
      startedAt: new Date(0),
      updatedAt: new Date(1000),
      completedAt: null,
    })
    expect(row.startedAt).toBe('1970-01-01T00:00:00.000Z')
    expect(row.completedAt).toBeNull()
  })

  it('the catalogue validates against its own schemas', () => {
    for (const archetype of ARCHETYPES) expect(ZArchetype.parse(archetype)).toEqual(archetype)
    for (const distro of DISTROS) expect(ZDistro.parse(distro)).toEqual(distro)
  })
})
