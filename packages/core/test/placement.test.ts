// Multi-host placement: explicit host, sticky replace, most free capacity, per-host IP pools.
import { describe, expect, it } from 'vitest'
import type { PlanHost } from '../src/index.ts'
import { catchDecnet, existingDecky, LAN, parseAndPlan } from './support/fixtures.ts'

const EDGE: PlanHost = {
  id: 'host-edge',
  name: 'edge',
  capacity: 10,
  network: { subnet: '10.9.0.0/24', gateway: '10.9.0.1' },
}
const LOCAL: PlanHost = { id: 'local', name: 'local', capacity: 10 }
const hosts = [LOCAL, EDGE]

const deckies = (count: number) =>
  Array.from({ length: count }, (_, index) => `[d${index + 1}]\nservices=ssh\n`).join('\n')

describe('placement over several hosts', () => {
  it('spreads automatic deckies evenly over equal hosts, each IP from its host`s network', () => {
    const plan = parseAndPlan(deckies(6), { hosts })
    expect(plan.create.map((d) => d.host)).toEqual(['local', 'edge', 'local', 'edge', 'local', 'edge'])
    for (const decky of plan.create) {
      expect(decky.ip.startsWith(decky.host === 'edge' ? '10.9.0.' : '192.168.1.')).toBe(true)
    }
    // Pools are per host: both start at their first free address.
    expect(plan.create.slice(0, 2).map((d) => d.ip)).toEqual(['192.168.1.2', '10.9.0.2'])
  })

  it('goes to the host with the most free capacity, counting the deckies each already holds', () => {
    const existing = [1, 2, 3].map((n) => existingDecky(`old${n}`, `192.168.1.${n + 10}`))
    const plan = parseAndPlan(deckies(4), { hosts, existing })
    expect(plan.create.map((d) => d.host)).toEqual(['edge', 'edge', 'edge', 'local'])
  })

  it('prefers the bigger host', () => {
    const plan = parseAndPlan(deckies(3), { hosts: [LOCAL, { ...EDGE, capacity: 100 }] })
    expect(plan.create.map((d) => d.host)).toEqual(['edge', 'edge', 'edge'])
  })

  it('a host that is not automatic takes only deckies that name it; with none automatic, all are', () => {
    const down = { ...LOCAL, automatic: false }
    const plan = parseAndPlan(`${deckies(3)}\n[named]\nservices=ssh\nhost=local\n`, { hosts: [down, EDGE] })
    expect(plan.create.map((d) => d.host)).toEqual(['edge', 'edge', 'edge', 'local'])
    expect(parseAndPlan(deckies(2), { hosts: [down] }).create.map((d) => d.host)).toEqual(['local', 'local'])
  })

  it('a decky with an explicit IP and no host goes to a host whose network holds it', () => {
    const plan = parseAndPlan('[a]\nservices=ssh\nip=10.9.0.40\n\n[b]\nservices=ssh\nip=192.168.1.40\n', {
      hosts: [LOCAL, { ...EDGE, capacity: 1 }],
    })
    expect(plan.create.map((d) => [d.name, d.host])).toEqual([
      ['a', 'edge'],
      ['b', 'local'],
    ])
    const nowhere = catchDecnet(() => parseAndPlan('[a]\nservices=ssh\nip=172.16.0.9\n', { hosts }))
    expect(nowhere.message).toContain('outside the subnet')
  })

  it('honours INI host = name, and validates an explicit IP against that host`s network', () => {
    const plan = parseAndPlan(
      '[a]\nservices=ssh\nhost=edge\nip=10.9.0.50\n\n[b]\nservices=ssh\nhost=local\n',
      {
        hosts: [LOCAL, { ...EDGE, capacity: 0 }],
      },
    )
    expect(plan.create.map((d) => [d.host, d.hostId, d.ip])).toEqual([
      ['edge', 'host-edge', '10.9.0.50'],
      ['local', 'local', '192.168.1.2'],
    ])
    const outside = catchDecnet(() =>
      parseAndPlan('[a]\nservices=ssh\nhost=edge\nip=192.168.1.50\n', { hosts }),
    )
    expect(outside.message).toContain('outside the subnet 10.9.0.0/24')
  })

  it('an unknown or inactive host name is not_found with the line of the key', () => {
    const error = catchDecnet(() => parseAndPlan('[a]\nservices=ssh\nhost=gone\n', { hosts }))
    expect(error.code).toBe('not_found')
    expect(error.message).toContain("'gone' is not an active host")
    expect(error.location).toMatchObject({ line: 1, section: 'a', key: 'host' })
  })

  it('hosts sharing one LAN never get the same IP; an address the fleet holds anywhere is skipped', () => {
    const lan = { subnet: '10.9.0.0/24', gateway: '10.9.0.1' }
    const existing = [existingDecky('old', '10.9.0.2', { hostId: 'host-edge' })]
    const plan = parseAndPlan(deckies(4), { hosts: [LOCAL, EDGE], existing, network: lan })
    const ips = plan.create.map((d) => d.ip)
    expect(new Set(ips).size).toBe(4)
    expect(ips).not.toContain('10.9.0.2')
    expect(ips.sort()).toEqual(['10.9.0.3', '10.9.0.4', '10.9.0.5', '10.9.0.6'])
    const clash = catchDecnet(() =>
      parseAndPlan('[a]\nservices=ssh\nhost=local\nip=10.9.0.2\n', { hosts, existing, network: lan }),
    )
    expect(clash.code).toBe('conflict')
    expect(clash.message).toContain("in use by decky 'old'")
  })

  it('no engine`s own address is handed out on any host sharing its LAN', () => {
    const lan = { subnet: '10.9.0.0/24', gateway: '10.9.0.1', hostIp: '10.9.0.3' }
    const edge = { ...EDGE, network: { ...lan, hostIp: '10.9.0.2' } }
    const plan = parseAndPlan(deckies(2), { hosts: [LOCAL, edge], network: lan })
    expect(plan.create.map((d) => d.ip).sort()).toEqual(['10.9.0.4', '10.9.0.5'])
  })

  it('an explicit IP that is another engine`s address is refused, whichever host it would land on', () => {
    const lan = { subnet: '10.9.0.0/24', gateway: '10.9.0.1' }
    const edge = { ...EDGE, network: { ...lan, hostIp: '10.9.0.2' } }
    const error = catchDecnet(() =>
      parseAndPlan('[a]\nservices=ssh\nip=10.9.0.2\n', { hosts: [LOCAL, edge], network: lan }),
    )
    expect(error.code).toBe('conflict')
    expect(error.message).toBe("IP 10.9.0.2 is already in use by the engine of host 'edge'")
  })

  it('an enrolled host`s own address inside its subnet is never handed out', () => {
    const plan = parseAndPlan(deckies(1), {
      hosts: [{ ...EDGE, network: { ...EDGE.network!, hostIp: '10.9.0.2' } }],
    })
    expect(plan.create[0]?.ip).toBe('10.9.0.3')
  })

  it('replace mode keeps a decky on its host, and refuses to move it elsewhere', () => {
    const existing = [existingDecky('a', '10.9.0.7', { hostId: 'host-edge' })]
    const kept = parseAndPlan('[a]\nservices=ssh\n', { hosts, existing, replaceFleet: true })
    expect(kept.keep.map((d) => d.name)).toEqual(['a'])
    const changed = parseAndPlan('[a]\nservices=ssh,http\n', { hosts, existing, replaceFleet: true })
    expect(changed.create[0]).toMatchObject({ host: 'edge', ip: '10.9.0.7', replaces: true })
    const moved = catchDecnet(() =>
      parseAndPlan('[a]\nservices=ssh\nhost=local\n', { hosts, existing, replaceFleet: true }),
    )
    expect(moved.code).toBe('conflict')
    expect(moved.message).toContain('tear it down')
  })

  it('a decky on a host that is not active cannot be changed in replace mode', () => {
    const existing = [existingDecky('a', '10.9.0.7', { hostId: 'host-down' })]
    const error = catchDecnet(() =>
      parseAndPlan('[a]\nservices=ssh\n', { hosts, existing, replaceFleet: true }),
    )
    expect(error.message).toContain('not active')
  })

  it('an additive deploy onto another host does not count as moving the local fleet network', () => {
    const existing = [existingDecky('old', '192.168.1.10')]
    const plan = parseAndPlan('[a]\nservices=ssh\nhost=edge\n', { hosts, existing, network: LAN })
    expect(plan.create[0]?.ip).toBe('10.9.0.2')
  })
})
