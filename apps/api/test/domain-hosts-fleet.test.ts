// hosts/decommission.ts, hosts/hosts-view.ts, hosts/enroll.ts (its refusals before any network use),
// fleet/decky-lookup.ts and fleet/operate.ts, called directly on a real SQLite database.
import type { DeckyInput, DecnetDatabase } from '@decnet/db'
import { sqliteTestDatabase, type TestDatabase } from '@decnet/db/testing'
import { InProcessBus } from '@decnet/lifecycle'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.ts'
import { assertDeckyHostCanOperate, requireDecky } from '../src/fleet/decky-lookup.ts'
import { mutateDecky, repairDecky, teardownDeckies } from '../src/fleet/operate.ts'
import { decommissionHost } from '../src/hosts/decommission.ts'
import { enrollHost } from '../src/hosts/enroll.ts'
import { leftoversOf } from '../src/hosts/leftovers.ts'
import { createSecretBox } from '../src/secrets/secret-box.ts'
import { refusal } from './support/refusal.ts'

const TLS = { ca: 'ca', cert: 'cert', key: 'key' }
const NETWORK = { driver: 'bridge' as const, subnet: '10.9.0.0/24', gateway: '10.9.0.1' }
const secrets = createSecretBox('a-test-secret-key-of-at-least-32-characters')
const config = loadConfig({ DECNET_HOST_HEARTBEAT_MS: '10000' })

function decky(name: string, ip: string, hostId?: string): DeckyInput {
  return {
    name,
    ip,
    mac: `02:00:0a:09:00:${ip.split('.').at(-1)?.padStart(2, '0')}`,
    hostname: name,
    distro: 'debian',
    services: ['ssh'],
    osFamily: 'linux',
    ...(hostId ? { hostId } : {}),
  }
}

describe('host and fleet rules', () => {
  let provider: TestDatabase
  let db: DecnetDatabase
  const bus = new InProcessBus()
  let wakes = 0
  const runner = { wake: () => void wakes++ }

  beforeAll(async () => {
    provider = sqliteTestDatabase()
    ;({ db } = await provider.open())
  })
  afterAll(() => provider.cleanup())

  async function host(name: string, status: 'active' | 'unreachable' | 'decommissioning', heartbeat?: Date) {
    const created = await db.hosts.create({
      name,
      dockerUrl: `tcp://${name}.example:2376`,
      tls: TLS,
      network: NETWORK,
    })
    await db.hosts.setStatus(created.id, status, heartbeat)
    return created
  }

  it('a decky on an enrolled host is operated on only when the host is driven and answers', async () => {
    const edge = await host('edge', 'active', new Date())
    const far = await host('far', 'unreachable')
    const here = { name: 'here-1', hostId: 'local' }
    await expect(
      assertDeckyHostCanOperate({ db, secrets: undefined }, here, 'mutate'),
    ).resolves.toBeUndefined()
    await expect(
      assertDeckyHostCanOperate({ db, secrets }, { name: 'edge-1', hostId: edge.id }, 'repair'),
    ).resolves.toBeUndefined()
    expect(
      await refusal(
        assertDeckyHostCanOperate({ db, secrets: undefined }, { name: 'edge-1', hostId: edge.id }, 'mutate'),
      ),
    ).toEqual([
      'precondition_failed',
      'edge-1 is on enrolled host edge, which is not driven without DECNET_SECRET_KEY',
    ])
    expect(
      await refusal(assertDeckyHostCanOperate({ db, secrets }, { name: 'far-1', hostId: far.id }, 'repair')),
    ).toEqual(['conflict', 'far-1 is on host far, which is unreachable; repair it once the host answers'])
    expect(
      await refusal(
        assertDeckyHostCanOperate({ db, secrets }, { name: 'lost-1', hostId: 'gone-id' }, 'mutate'),
      ),
    ).toEqual(['conflict', 'lost-1 is on host gone-id, which is gone; mutate it once the host answers'])
  })

  it('mutate, repair and teardown of an unknown decky are NOT_FOUND; an empty fleet tears down nothing', async () => {
    const services = { db, bus, runner, secrets }
    expect(await refusal(requireDecky(db, 'nope'))).toEqual(['not_found', 'no decky named nope'])
    expect(await refusal(mutateDecky(services, { name: 'nope' }, 'root'))).toEqual([
      'not_found',
      'no decky named nope',
    ])
    expect(await refusal(repairDecky(services, 'nope', 'root'))).toEqual(['not_found', 'no decky named nope'])
    expect(await refusal(teardownDeckies(services, { name: 'nope' }))).toEqual([
      'not_found',
      'no decky named nope',
    ])
    expect(await teardownDeckies(services, { all: true })).toEqual({
      message: 'the fleet is already empty',
      lifecycleIds: [],
    })
  })

  it('a repair on an unreachable host is refused before anything is queued', async () => {
    const stuck = await host('stuck', 'unreachable')
    await db.fleet.commitDeployPlan({ create: [decky('stuck-1', '10.9.0.21', stuck.id)] })
    const before = (await db.lifecycle.listActive()).length
    expect(await refusal(repairDecky({ db, bus, runner, secrets }, 'stuck-1', 'root'))).toEqual([
      'conflict',
      'stuck-1 is on host stuck, which is unreachable; repair it once the host answers',
    ])
    expect((await db.lifecycle.listActive()).length).toBe(before)
  })

  it('decommission refuses the local host, an unknown one, a retired one and one already being cleaned up', async () => {
    const services = { db, bus, runner, secrets, config }
    expect(await refusal(decommissionHost(services, 'local', 'root'))).toEqual([
      'invalid_input',
      'the built-in local host cannot be decommissioned',
    ])
    expect(await refusal(decommissionHost(services, 'no-such-host', 'root'))).toEqual([
      'not_found',
      'no host with id no-such-host',
    ])
    const busy = await host('busy', 'decommissioning', new Date())
    expect(await refusal(decommissionHost(services, busy.id, 'root'))).toEqual([
      'conflict',
      'busy is already being decommissioned (it answers; its clean-up is under way)',
    ])
  })

  it('an answering host is decommissioning with its deckies queued for teardown', async () => {
    const live = await host('live', 'active', new Date())
    await db.fleet.commitDeployPlan({ create: [decky('live-1', '10.9.0.31', live.id)] })
    const wakesBefore = wakes
    const result = await decommissionHost({ db, bus, runner, secrets, config }, live.id, 'root')
    expect(result.message).toBe('decommissioning live: 1 deckies to tear down')
    expect(result.lifecycleIds).toHaveLength(1)
    expect((await db.hosts.get(live.id))?.status).toBe('decommissioning')
    expect(wakes).toBe(wakesBefore + 1)
  })

  it('a silent host is decommissioned at once: its deckies leave the fleet and what was left is recorded', async () => {
    const silent = await host('silent', 'unreachable')
    await db.fleet.commitDeployPlan({ create: [decky('silent-1', '10.9.0.41', silent.id)] })
    const result = await decommissionHost({ db, bus, runner, secrets, config }, silent.id, 'root')
    expect(result.message).toContain(
      'silent decommissioned without answering: 1 deckies removed from the fleet',
    )
    expect((await db.hosts.get(silent.id))?.status).toBe('decommissioned')
    expect(await db.fleet.get('silent-1')).toBeNull()
    expect((await leftoversOf(db, silent.id))?.deckies.map((left) => left.name)).toEqual(['silent-1'])
    expect(await refusal(decommissionHost({ db, bus, runner, secrets, config }, silent.id, 'root'))).toEqual([
      'conflict',
      'silent is already decommissioned',
    ])
  })

  it('without DECNET_SECRET_KEY every enrolled host is silent: decommission records instead of waiting', async () => {
    const undriven = await host('undriven', 'active', new Date())
    const result = await decommissionHost(
      { db, bus, runner, secrets: undefined, config },
      undriven.id,
      'root',
    )
    expect(result.message).toContain('undriven decommissioned without answering')
  })

  it('enroll refuses without DECNET_SECRET_KEY and refuses the name "local", before touching the network', async () => {
    const request = { name: 'edge-2', dockerUrl: 'tcp://203.0.113.9:2376', tls: TLS, network: NETWORK }
    const services = {
      db,
      secrets: undefined,
      config,
      engine: 'local' as const,
      docker: undefined as never,
      hosts: { sync: async () => {} },
    }
    expect(await refusal(enrollHost(services, request))).toEqual([
      'precondition_failed',
      'set DECNET_SECRET_KEY (≥ 32 characters) so host TLS material can be stored encrypted',
    ])
    expect(await refusal(enrollHost({ ...services, secrets }, { ...request, name: 'local' }))).toEqual([
      'conflict',
      '"local" is the built-in host',
    ])
  })
})
