// Deploy planning: reference §4.2 (allocation) and §11.1 (additive deploy with 409 collisions).
import { describe, expect, it } from 'vitest'
import {
  allocateIps,
  DecnetError,
  freeAddresses,
  parseFleetIni,
  planDeploy,
  resolveNetwork,
  seededRandom,
} from '../src/index.ts'
import { existingDecky, expectDecnet, LAN, parseAndPlan } from './support/fixtures.ts'

function resolved(subnet: string, gateway: string, hostIp?: string) {
  const result = resolveNetwork({ subnet, gateway, hostIp: hostIp ?? null })
  if (!result.ok) throw new Error(result.reason)
  return result.network
}

describe('§4.2 allocation', () => {
  it('10.0.0.0/30 with gateway .1 and host .3 yields only 10.0.0.2', () => {
    expect([...freeAddresses(resolved('10.0.0.0/30', '10.0.0.1', '10.0.0.3'), new Set())]).toEqual([
      '10.0.0.2',
    ])
  })

  it('walks ascending, skipping network, broadcast, gateway, host and reserved addresses', () => {
    const ips = [...freeAddresses(resolved('10.0.0.0/29', '10.0.0.1', '10.0.0.4'), new Set(['10.0.0.3']))]
    expect(ips).toEqual(['10.0.0.2', '10.0.0.5', '10.0.0.6'])
  })

  it('allocateIps honours a start address and never returns duplicates', () => {
    const net = resolved('10.0.0.0/24', '10.0.0.1', '10.0.0.12')
    expect(allocateIps(net, 3, { start: '10.0.0.10' })).toEqual(['10.0.0.10', '10.0.0.11', '10.0.0.13'])
    expect(allocateIps(net, 2, { reserved: new Set(['10.0.0.2']) })).toEqual(['10.0.0.3', '10.0.0.4'])
    const all = allocateIps(net, 252)
    expect(new Set(all).size).toBe(252)
  })

  it('allocateIps reports how many were free when there are too few', () => {
    const net = resolved('10.0.0.0/30', '10.0.0.1', '10.0.0.3')
    const error = (() => {
      try {
        allocateIps(net, 2)
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(DecnetError)
    expect((error as DecnetError).code).toBe('conflict')
    expect((error as DecnetError).message).toBe('not enough free IPs in 10.0.0.0/30 for 2 deckies (found 1)')
  })

  it('auto IPs skip explicit INI IPs even when the explicit one comes later in the file', () => {
    const plan = parseAndPlan('[a]\nservices=ssh\n\n[b]\nservices=ssh\nip=192.168.1.2\n')
    expect(plan.create.map((d) => [d.name, d.ip])).toEqual([
      ['a', '192.168.1.3'],
      ['b', '192.168.1.2'],
    ])
  })

  it('exhausting the pool is a conflict naming the subnet and decky', () => {
    expectDecnet(
      () =>
        parseAndPlan('[g]\nservices=ssh\namount=3\n', {
          network: { subnet: '10.0.0.0/30', gateway: '10.0.0.1' },
        }),
      'conflict',
      "not enough free IPs in 10.0.0.0/30 while assigning an IP to 'g-02'",
    )
  })

  it('a host IP outside the subnet is ignored rather than rejected', () => {
    const plan = parseAndPlan('[a]\nservices=ssh\n', {
      network: { subnet: '10.1.0.0/24', gateway: '10.1.0.1', hostIp: '172.17.0.1' },
    })
    expect(plan.create[0]?.ip).toBe('10.1.0.2')
    expect(plan.network.hostIp).toBeNull()
  })
})

describe('§11.1 additive deploy (HEAD contract tests, our planner)', () => {
  it('seed decky-01@.10, [decky-02] services=http → both in the fleet; only decky-02 created', () => {
    const seed = [existingDecky('decky-01', '192.168.1.10')]
    const plan = parseAndPlan('[decky-02]\nservices=http\n', { existing: seed })
    expect(plan.create.map((d) => d.name)).toEqual(['decky-02'])
    expect(plan.keep.map((d) => d.name)).toEqual(['decky-01'])
    expect(plan.remove).toEqual([])
    expect(plan.create[0]?.ip).toBe('192.168.1.2')
  })

  it('seed decky-01, [decky-01] services=http → conflict naming decky-01 and replaceFleet', () => {
    const error = expectDecnet(
      () =>
        parseAndPlan('[decky-01]\nservices=http\n', {
          existing: [existingDecky('decky-01', '192.168.1.10')],
        }),
      'conflict',
      "decky 'decky-01' already exists",
    )
    expect(error.message).toContain('replaceFleet')
  })

  it('seed decky-01@.50, [decky-02] ip=192.168.1.50 → conflict naming the IP', () => {
    expectDecnet(
      () =>
        parseAndPlan('[decky-02]\nservices=http\nip=192.168.1.50\n', {
          existing: [existingDecky('decky-01', '192.168.1.50')],
        }),
      'conflict',
      "IP 192.168.1.50 is already in use by decky 'decky-01'",
    )
  })

  it('seed decky-01, [decky-02] with replaceFleet → decky-01 removed, decky-02 created', () => {
    const seed = [existingDecky('decky-01', '192.168.1.10')]
    const plan = parseAndPlan('[decky-02]\nservices=ssh\n', { existing: seed, replaceFleet: true })
    expect(plan.create.map((d) => d.name)).toEqual(['decky-02'])
    expect(plan.keep).toEqual([])
    expect(plan.remove.map((d) => d.name)).toEqual(['decky-01'])
    // The removed decky's IP is not reused while its teardown may still hold it.
    expect(plan.create[0]?.ip).not.toBe('192.168.1.10')
  })

  it('a decky pending removal on a silent host keeps its name and IP taken, in both modes', () => {
    const seed = [existingDecky('decky-01', '192.168.1.2', { state: 'pending_removal' })]
    for (const replaceFleet of [false, true]) {
      expectDecnet(
        () => parseAndPlan('[decky-01]\nservices=ssh\n', { existing: seed, replaceFleet }),
        'conflict',
        "decky 'decky-01' is still being removed",
      )
      const plan = parseAndPlan('[decky-02]\nservices=ssh\n', { existing: seed, replaceFleet })
      expect(plan.create[0]?.ip).toBe('192.168.1.3')
    }
  })

  it('seed decky-01@.10, decky-02@.11, [decky-03] → exactly one decky submitted, all three kept', () => {
    const seed = [existingDecky('decky-01', '192.168.1.10'), existingDecky('decky-02', '192.168.1.11')]
    const plan = parseAndPlan('[decky-03]\nservices=ssh\n', { existing: seed })
    expect(plan.create).toHaveLength(1)
    expect([...plan.keep, ...plan.create].map((d) => d.name).sort()).toEqual([
      'decky-01',
      'decky-02',
      'decky-03',
    ])
  })

  it('original version: two deckies in one INI are both created, then a third alone', () => {
    const first = parseAndPlan('[decky-01]\nservices=ssh\n\n[decky-02]\nservices=ssh\n')
    expect(first.create).toHaveLength(2)
    const fleet = first.create.map((d) => existingDecky(d.name, d.ip))
    const second = parseAndPlan('[decky-03]\nservices=ssh\n', { existing: fleet })
    expect(second.create.map((d) => d.name)).toEqual(['decky-03'])
    expect(fleet.map((d) => d.ip)).not.toContain(second.create[0]?.ip)
  })

  it('auto IPs skip every IP the existing fleet holds', () => {
    const seed = [existingDecky('a', '192.168.1.2'), existingDecky('b', '192.168.1.3')]
    const plan = parseAndPlan('[c]\nservices=ssh\n', { existing: seed })
    expect(plan.create[0]?.ip).toBe('192.168.1.4')
  })

  it('deploy limit: 1 existing + 1 new over a limit of 1 is limit_exceeded', () => {
    const result = planDeploy({
      existing: [existingDecky('decky-01', '192.168.1.10')],
      network: LAN,
      ini: parseFleetIni('[decky-new]\nservices=ssh\n'),
      replaceFleet: false,
      random: seededRandom(1),
      deploymentLimit: 1,
    })
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.error.code).toBe('limit_exceeded')
      expect(result.error.message).toContain('limit of 1')
    }
  })

  it('deploy limit: replace mode counts only the INI fleet', () => {
    const result = planDeploy({
      existing: [existingDecky('a', '192.168.1.10'), existingDecky('b', '192.168.1.11')],
      network: LAN,
      ini: parseFleetIni('[only-decky]\nservices=ssh\n'),
      replaceFleet: true,
      random: seededRandom(1),
      deploymentLimit: 1,
    })
    expect(result.ok && result.plan.create.map((d) => d.name)).toEqual(['only-decky'])
  })
})

describe('replace mode with surviving names', () => {
  it('keeps an identical decky untouched and redeploys a changed one on the same IP', () => {
    const seed = [
      existingDecky('same', '192.168.1.20', { services: ['ssh'] }),
      existingDecky('changed', '192.168.1.21', { services: ['ssh'] }),
    ]
    const plan = parseAndPlan('[same]\nservices=ssh\n\n[changed]\nservices=http\n', {
      existing: seed,
      replaceFleet: true,
    })
    expect(plan.keep.map((d) => d.name)).toEqual(['same'])
    expect(plan.create).toMatchObject([
      { name: 'changed', ip: '192.168.1.21', replaces: true, services: ['http'] },
    ])
    expect(plan.create[0]?.hostname).toBe('SRV-CHANGED')
  })

  it('keeps a surviving decky`s mutated services when its archetype is unchanged', () => {
    const seed = [existingDecky('db', '192.168.1.30', { archetype: 'database-server', services: ['redis'] })]
    const plan = parseAndPlan('[db]\narchetype=database-server\n', { existing: seed, replaceFleet: true })
    expect(plan.keep.map((d) => d.name)).toEqual(['db'])
  })

  it('an explicit IP may not take the address of another surviving decky', () => {
    const seed = [existingDecky('a', '192.168.1.30'), existingDecky('b', '192.168.1.31')]
    expectDecnet(
      () =>
        parseAndPlan('[a]\nservices=ssh\n\n[b]\nservices=ssh\nip=192.168.1.30\n', {
          existing: seed,
          replaceFleet: true,
        }),
      'conflict',
      "IP 192.168.1.30 is already in use by decky 'a'",
    )
  })

  it('replace mode may move the fleet: survivors get addresses in the new network', () => {
    const seed = [existingDecky('a', '192.168.1.30'), existingDecky('gone', '192.168.1.31')]
    const plan = parseAndPlan('[general]\nnet=10.9.0.0/24\ngw=10.9.0.1\n\n[a]\nservices=ssh\n', {
      existing: seed,
      replaceFleet: true,
    })
    expect(plan.network).toMatchObject({ subnet: '10.9.0.0/24', gateway: '10.9.0.1' })
    expect(plan.create).toMatchObject([{ name: 'a', ip: '10.9.0.2', replaces: true }])
    expect(plan.remove.map((d) => d.name)).toEqual(['gone'])
  })

  it('an additive deploy may not move the fleet to another network', () => {
    expectDecnet(
      () =>
        parseAndPlan('[general]\nnet=10.9.0.0/24\ngw=10.9.0.1\n\n[x]\nservices=ssh\n', {
          existing: [existingDecky('a', '192.168.1.30')],
        }),
      'conflict',
      'differ from the fleet network',
    )
  })
})

describe('resolution of new deckies', () => {
  it('rotates distros per archetype pool across the whole INI and derives MAC from name and OS', () => {
    const plan = parseAndPlan('[l]\narchetype=linux-server\namount=5\n')
    expect(plan.create.map((d) => d.distro)).toEqual(['debian', 'ubuntu22', 'rocky9', 'fedora', 'debian'])
    const plan2 = parseAndPlan('[x]\nservices=ssh\n\n[w]\narchetype=web-server\namount=2\n')
    // k counts deckies across the INI: x (no archetype) takes all-distros[0]; w-01 is k=1 → pool[1].
    expect(plan2.create.map((d) => d.distro)).toEqual(['debian', 'ubuntu22', 'ubuntu20'])
    expect(plan.create[0]?.mac.startsWith('02:42')).toBe(false)
  })

  it('OS family: explicit nmap_os, else the archetype`s, else linux', () => {
    const plan = parseAndPlan(
      '[a]\narchetype=printer\n\n[b]\narchetype=linux-server\nnmap_os=bsd\n\n[c]\nservices=ssh\n',
    )
    expect(plan.create.map((d) => d.osFamily)).toEqual(['embedded', 'bsd', 'linux'])
  })

  it('random services (no services/archetype) are 1..3 conflict-free slugs and reproducible per seed', () => {
    const a = parseAndPlan('[r]\namount=20\n', { seed: 7 })
    const b = parseAndPlan('[r]\namount=20\n', { seed: 7 })
    expect(a).toEqual(b)
    for (const d of a.create) {
      expect(d.services.length).toBeGreaterThanOrEqual(1)
      expect(d.services.length).toBeLessThanOrEqual(3)
    }
  })

  it('a [general] mutate_interval applies to deckies without their own', () => {
    const plan = parseAndPlan(
      '[general]\nmutate_interval=1d\n\n[a]\nservices=ssh\n\n[b]\nservices=ssh\nmutate_interval=45\n',
    )
    expect(plan.create.map((d) => d.mutateIntervalMinutes)).toEqual([1440, 45])
  })

  it('places every decky on the local host by default and carries the network driver through', () => {
    const plan = parseAndPlan('[general]\ndriver=ipvlan\n\n[a]\nservices=ssh\n')
    expect(plan.create[0]).toMatchObject({ hostId: 'local', host: 'local' })
    expect(plan.network.driver).toBe('ipvlan')
  })

  it('an invalid network context is an invalid_input error, not an exception', () => {
    const result = planDeploy({
      existing: [],
      network: { subnet: 'nope', gateway: '1.2.3.4' },
      ini: parseFleetIni('[a]\nservices=ssh\n'),
      replaceFleet: false,
      random: seededRandom(1),
    })
    expect(result.ok === false && result.error.code).toBe('invalid_input')
  })
})
