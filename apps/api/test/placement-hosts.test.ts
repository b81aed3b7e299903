import { DecnetError, parseFleetIni } from '@decnet/core'
import type { DecnetDatabase } from '@decnet/db'
import { sqliteTestDatabase, type TestDatabase } from '@decnet/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { placementHosts } from '../src/fleet/plan.ts'

describe('placementHosts: which hosts a deploy may use', () => {
  let provider: TestDatabase
  let db: DecnetDatabase
  beforeAll(async () => {
    provider = sqliteTestDatabase()
    ;({ db } = await provider.open())
    const tls = { ca: 'a', cert: 'b', key: 'c' }
    const edge = await db.hosts.create({
      name: 'edge',
      dockerUrl: 'tcp://10.7.0.5:2376',
      tls,
      network: { driver: 'macvlan', parent: 'eth0', subnet: '10.7.0.0/24', gateway: '10.7.0.1' },
      capacity: 40,
    })
    await db.hosts.setStatus(edge.id, 'active', new Date())
    const down = await db.hosts.create({
      name: 'down',
      dockerUrl: 'tcp://10.8.0.5:2376',
      tls,
      network: { driver: 'bridge', subnet: '10.8.0.0/24', gateway: '10.8.0.1' },
    })
    await db.hosts.setStatus(down.id, 'unreachable')
  })
  afterAll(() => provider.cleanup())

  it('offers local and the active hosts, with each engine`s own address to keep out of its subnet', async () => {
    const hosts = await placementHosts(db, parseFleetIni('[a]\nservices = ssh\n'), true)
    expect(hosts.map((host) => [host.name, host.automatic ?? true])).toEqual([
      ['local', true],
      ['edge', true],
    ])
    expect(hosts[1]).toMatchObject({ capacity: 40, network: { subnet: '10.7.0.0/24', hostIp: '10.7.0.5' } })
  })

  it('a local engine that does not answer takes no automatic placements', async () => {
    const hosts = await placementHosts(db, parseFleetIni('[a]\nservices = ssh\n'), false)
    expect(hosts.find((host) => host.name === 'local')?.automatic).toBe(false)
  })

  it('naming a host that is unknown or does not answer is refused with why, at its section', async () => {
    const refused = await placementHosts(db, parseFleetIni('[a]\nservices = ssh\nhost = down\n'), true).catch(
      (error: unknown) => error,
    )
    expect(refused).toBeInstanceOf(DecnetError)
    const error = refused as DecnetError
    expect([error.code, error.message]).toEqual([
      'conflict',
      "host 'down' is unreachable; it cannot take deckies now",
    ])
    expect(error.location).toEqual({ line: 1, section: 'a', key: 'host' })
    const unknown = await placementHosts(db, parseFleetIni('[a]\nservices = ssh\nhost = nope\n'), true).catch(
      (caught: unknown) => caught,
    )
    expect((unknown as DecnetError).code).toBe('not_found')
  })
})
