// Topology INIs: `[network.<name>]` sections and `networks =` on deckies. A valid three-network maze
// parses into a tree rooted at the entry LAN; each hostile shape fails with the typed error and the
// line to fix; an INI without network sections is the flat LAN it always was.
import { describe, expect, it } from 'vitest'
import { MAX_TOPOLOGY_NETWORKS, parseFleetIni, writeFleetIni } from '../src/index.ts'
import { expectDecnet } from './support/fixtures.ts'
import { MAZE_INI } from './support/topology.ts'

describe('a valid topology', () => {
  const ini = parseFleetIni(MAZE_INI)

  it('orders networks from the entry LAN outwards, each inner one behind its pivot', () => {
    expect(ini.topology?.networks).toEqual([
      {
        name: 'dmz',
        subnet: '10.77.1.0/24',
        gateway: '10.77.1.1',
        driver: 'bridge',
        entry: true,
        parent: null,
        via: null,
        line: 1,
      },
      {
        name: 'office',
        subnet: '10.77.2.0/24',
        gateway: '10.77.2.1',
        driver: 'bridge',
        entry: false,
        parent: 'dmz',
        via: 'jump-01',
        line: 5,
      },
      {
        name: 'servers',
        subnet: '10.77.3.0/24',
        gateway: '10.77.3.254',
        driver: 'bridge',
        entry: false,
        parent: 'office',
        via: 'db-gw',
        line: 8,
      },
    ])
  })

  it('puts deckies without networks = on the entry LAN and keeps each list in order', () => {
    expect(ini.topology?.attachments).toEqual({
      'web-01': ['dmz'],
      'jump-01': ['dmz', 'office'],
      'ws-01': ['office'],
      'db-gw': ['office', 'servers'],
      'db-01': ['servers'],
    })
  })

  it('expands amount = n with the same networks for every copy', () => {
    const parsed = parseFleetIni(
      '[network.lan]\nsubnet = 10.9.0.0/24\nentry = true\n[network.back]\nsubnet = 10.9.1.0/24\n[gw]\nnetworks = lan, back\n[pc]\namount = 2\nnetworks = back\n',
    )
    expect(parsed.topology?.attachments).toMatchObject({ 'pc-01': ['back'], 'pc-02': ['back'] })
  })

  it('round-trips through the writer', () => {
    const text = writeFleetIni({
      networks: [
        { name: 'dmz', subnet: '10.77.1.0/24', entry: true },
        { name: 'office', subnet: '10.77.2.0/24', gateway: '10.77.2.254' },
      ],
      deckies: [
        { name: 'jump-01', services: ['ssh'], networks: ['dmz', 'office'] },
        { name: 'ws-01', services: ['ssh'], networks: ['office'] },
      ],
    })
    const parsed = parseFleetIni(text)
    expect(parsed.topology?.networks.map((n) => [n.name, n.gateway, n.parent, n.via])).toEqual([
      ['dmz', '10.77.1.1', null, null],
      ['office', '10.77.2.254', 'dmz', 'jump-01'],
    ])
    expect(parsed.topology?.attachments['jump-01']).toEqual(['dmz', 'office'])
  })
})

describe('without network sections', () => {
  it('has no topology, and a decky named network keeps its ssh persona section', () => {
    const parsed = parseFleetIni('[network]\nservices = ssh\n[network.ssh]\nusers = root:toor\n')
    expect(parsed.topology).toBeNull()
    expect(parsed.deckies[0]?.serviceConfig.ssh).toEqual({ users: 'root:toor' })
    expect(parsed.deckies[0]?.networks).toBeNull()
  })
})

const NET = (name: string, subnet: string, extra = '') => `[network.${name}]\nsubnet = ${subnet}\n${extra}`
const ENTRY = NET('dmz', '10.1.0.0/24', 'entry = true\n')

type Case = [title: string, ini: string, fragment: string]

const HOSTILE: Case[] = [
  [
    'networks = without any network section',
    '[a]\nnetworks = office\n',
    'line 2, [a] networks: no [network.office] section',
  ],
  [
    'a dangling network reference',
    `${ENTRY}[a]\nnetworks = dmz, office\n`,
    "line 5, [a] networks: no [network.office] section declares network 'office'",
  ],
  [
    'a self-loop (the same network twice)',
    `${ENTRY}[a]\nnetworks = dmz, dmz\n`,
    "line 5, [a] networks: network 'dmz' is listed twice",
  ],
  ['an empty item in networks', `${ENTRY}[a]\nnetworks = dmz,,dmz\n`, 'line 5, [a] networks: empty item'],
  [
    'no entry network',
    `${NET('a', '10.1.0.0/24')}[d]\nnetworks = a\n`,
    'line 1, [network.a]: no network is marked entry = true',
  ],
  [
    'two entry networks',
    `${ENTRY}${NET('b', '10.2.0.0/24', 'entry = yes\n')}[d]\n`,
    "line 6, [network.b] entry: network 'dmz' (line 1) is already the entry network",
  ],
  [
    'an entry value that is not a boolean',
    `${NET('dmz', '10.1.0.0/24', 'entry = maybe\n')}[d]\n`,
    "line 3, [network.dmz] entry: entry must be true or false, got 'maybe'",
  ],
  [
    'overlapping subnets',
    `${ENTRY}${NET('office', '10.1.0.128/25')}[d]\n`,
    "line 5, [network.office] subnet: subnet 10.1.0.128/25 overlaps network 'dmz' (10.1.0.0/24, line 1)",
  ],
  [
    'a wider subnet over an earlier one',
    `${ENTRY}${NET('office', '10.0.0.0/8')}[d]\n`,
    "overlaps network 'dmz'",
  ],
  [
    'a subnet over the fleet LAN',
    `[general]\nnet = 10.1.0.0/16\n${ENTRY}[d]\n`,
    'line 4, [network.dmz] subnet: subnet 10.1.0.0/24 overlaps the fleet LAN',
  ],
  [
    'a subnet with host bits',
    `${NET('dmz', '10.1.0.5/24', 'entry = true\n')}[d]\n`,
    'line 2, [network.dmz] subnet: ',
  ],
  [
    'a missing subnet',
    '[network.dmz]\nentry = true\n[d]\n',
    'line 1, [network.dmz]: a network needs subnet = <CIDR>',
  ],
  [
    'a gateway outside the subnet',
    `${NET('dmz', '10.1.0.0/24', 'entry = true\ngateway = 10.2.0.1\n')}[d]\n`,
    'line 4, [network.dmz] gateway: gateway 10.2.0.1 is outside the subnet',
  ],
  [
    'an unknown network key',
    `${NET('dmz', '10.1.0.0/24', 'entry = true\ninternal = false\n')}[d]\n`,
    'line 4, [network.dmz] internal: unknown key in a network section',
  ],
  [
    'a macvlan inner network',
    `${ENTRY}${NET('office', '10.2.0.0/24', 'driver = macvlan\n')}[d]\nnetworks = dmz, office\n`,
    'line 6, [network.office] driver: an inner network is an internal bridge',
  ],
  [
    'an invalid network name',
    '[network.Office]\nsubnet = 10.1.0.0/24\nentry = true\n[d]\n',
    'line 1, [network.Office]: invalid network name',
  ],
  [
    'an unreachable network with deckies',
    `${ENTRY}${NET('office', '10.2.0.0/24')}[ws]\nnetworks = office\n`,
    "line 4, [network.office]: network 'office' is unreachable",
  ],
  [
    'an unreachable network with no deckies',
    `${ENTRY}${NET('office', '10.2.0.0/24')}[d]\n`,
    "network 'office' is unreachable",
  ],
  [
    'a pivot without a route to the entry network',
    `${ENTRY}${NET('office', '10.2.0.0/24')}${NET('servers', '10.3.0.0/24')}[gw]\nnetworks = office, servers\n`,
    "line 9, [gw] networks: pivot 'gw' has no route to the entry network 'dmz'",
  ],
  [
    'two pivots into the same network (a loop)',
    `${ENTRY}${NET('office', '10.2.0.0/24')}[j1]\nnetworks = dmz, office\n[j2]\nnetworks = office, dmz\n`,
    "line 9, [j2] networks: decky 'j2' closes a loop",
  ],
  [
    'a pivot expanded with amount (two routes into one network)',
    `${ENTRY}${NET('office', '10.2.0.0/24')}[jump]\namount = 2\nnetworks = dmz, office\n`,
    "line 8, [jump] networks: decky 'jump-02' closes a loop",
  ],
  [
    'a three-network ring',
    `${ENTRY}${NET('a', '10.2.0.0/24')}${NET('b', '10.3.0.0/24')}[p1]\nnetworks = dmz, a\n[p2]\nnetworks = a, b\n[p3]\nnetworks = b, dmz\n`,
    "[p3] networks: decky 'p3' closes a loop",
  ],
  ['host = in a topology', `${ENTRY}[d]\nhost = edge-1\n`, 'line 4, [d]: a topology runs on one engine'],
  [
    `${MAX_TOPOLOGY_NETWORKS + 1} networks`,
    `${Array.from({ length: MAX_TOPOLOGY_NETWORKS + 1 }, (_, i) => NET(`n${i}`, `10.${i}.0.0/24`)).join('')}[d]\n`,
    `line ${MAX_TOPOLOGY_NETWORKS * 2 + 1}, [network.n${MAX_TOPOLOGY_NETWORKS}]: the INI declares more than ${MAX_TOPOLOGY_NETWORKS} networks`,
  ],
  [
    '1,000 networks',
    `${Array.from({ length: 1000 }, (_, i) => NET(`n${i}`, `10.${Math.floor(i / 250)}.${i % 250}.0/24`)).join('')}[d]\n`,
    `the INI declares more than ${MAX_TOPOLOGY_NETWORKS} networks`,
  ],
]

describe('hostile topologies', () => {
  it.each(HOSTILE)('%s', (_title, text, fragment) => {
    expectDecnet(() => parseFleetIni(text), 'invalid_ini', fragment)
  })
})
