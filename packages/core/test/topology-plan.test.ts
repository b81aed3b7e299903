// Planning a topology: every decky gets one address per network it joins, inner deckies route out
// through their upstream pivot, only pivots forward, and a network on the fleet's LAN is a conflict.
import { describe, expect, it } from 'vitest'
import { networkContains, parseCidr, parseIpv4 } from '../src/index.ts'
import { expectDecnet, LAN, parseAndPlan } from './support/fixtures.ts'
import { MAZE_INI } from './support/topology.ts'

function inSubnet(ip: string, subnet: string): boolean {
  const cidr = parseCidr(subnet)
  const address = parseIpv4(ip)
  return cidr.ok && address !== undefined && networkContains(cidr.network, address)
}

describe('a planned topology', () => {
  const plan = parseAndPlan(MAZE_INI)
  const topology = plan.topology
  const links = (name: string) => topology?.deckies[name]?.links ?? []
  const addressOn = (name: string, network: string) =>
    links(name).find((link) => link.network === network)?.ip

  it('links every decky to each of its networks with an address inside that subnet', () => {
    const subnets = new Map(topology?.networks.map((network) => [network.name, network.subnet]))
    for (const decky of plan.create) {
      const own = links(decky.name)
      expect(own.length, decky.name).toBeGreaterThan(0)
      expect(own[0]?.ip, `${decky.name}'s primary address is on its first network`).toBe(decky.ip)
      for (const link of own) expect(inSubnet(link.ip, subnets.get(link.network) ?? ''), link.ip).toBe(true)
    }
    expect(links('jump-01').map((link) => link.network)).toEqual(['dmz', 'office'])
    expect(links('db-gw').map((link) => link.network)).toEqual(['office', 'servers'])
  })

  it('never hands out an address twice, nor a gateway', () => {
    const all = Object.values(topology?.deckies ?? {}).flatMap((decky) => decky.links.map((link) => link.ip))
    expect(new Set(all).size).toBe(all.length)
    for (const network of topology?.networks ?? []) expect(all).not.toContain(network.gateway)
  })

  it('routes inner deckies out through the pivot towards the entry network; only pivots forward', () => {
    const gateways = Object.fromEntries(
      Object.entries(topology?.deckies ?? {}).map(([name, decky]) => [name, decky.gateway]),
    )
    expect(gateways).toEqual({
      'web-01': null,
      'jump-01': null,
      'ws-01': addressOn('jump-01', 'office'),
      'db-gw': addressOn('jump-01', 'office'),
      'db-01': addressOn('db-gw', 'servers'),
    })
    const forwarders = Object.entries(topology?.deckies ?? {}).filter(([, decky]) => decky.forwards)
    expect(forwarders.map(([name]) => name).sort()).toEqual(['db-gw', 'jump-01'])
  })

  it('places a topology on the local engine', () => {
    expect(new Set(plan.create.map((decky) => decky.hostId))).toEqual(new Set(['local']))
  })

  it('honours an explicit ip = on the first network and refuses one outside it', () => {
    const pinned = parseAndPlan(
      MAZE_INI.replace('networks = office\n', 'networks = office\nip = 10.77.2.50\n'),
    )
    expect(pinned.topology?.deckies['ws-01']?.links[0]?.ip).toBe('10.77.2.50')
    expectDecnet(
      () => parseAndPlan(MAZE_INI.replace('networks = office\n', 'networks = office\nip = 10.77.1.50\n')),
      'invalid_ini',
      '[ws-01] ip: 10.77.1.50 is outside the subnet 10.77.2.0/24',
    )
  })

  it('plans a flat LAN exactly as before when the INI has no network sections', () => {
    const flat = parseAndPlan('[a]\nservices = ssh\n')
    expect(flat.topology).toBeNull()
    expect(inSubnet(flat.create[0]?.ip ?? '', LAN.subnet)).toBe(true)
  })
})

describe('a topology against the committed fleet', () => {
  it('is a conflict when a network overlaps the fleet LAN', () => {
    expectDecnet(
      () => parseAndPlan(MAZE_INI.replace('subnet = 10.77.2.0/24', 'subnet = 192.168.0.0/16')),
      'conflict',
      "line 5, [network.office] subnet: 192.168.0.0/16 overlaps the fleet's decky LAN 192.168.1.0/24",
    )
  })
})
