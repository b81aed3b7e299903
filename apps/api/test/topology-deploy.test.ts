// Topology INIs through fleet.deploy and fleet.preview: every hostile shape is a typed BAD_REQUEST or
// CONFLICT naming its line, and nothing is written (no decky, no lifecycle row).
import { describe, expect, it } from 'vitest'
import { inProcessApiOfSuite, NO_WORKERS } from './support/in-process.ts'

const NET = (name: string, subnet: string, extra = '') => `[network.${name}]\nsubnet = ${subnet}\n${extra}`
const ENTRY = NET('dmz', '10.61.1.0/24', 'entry = true\n')
const MAZE = `${ENTRY}${NET('office', '10.61.2.0/24')}[jump-01]\nservices = ssh\nnetworks = dmz, office\n[ws-01]\nservices = ssh\nnetworks = office\n`

const CASES: [title: string, ini: string, code: string, fragment: string][] = [
  [
    'overlapping subnets',
    `${ENTRY}${NET('office', '10.61.1.0/25')}[d]\n`,
    'BAD_REQUEST',
    'line 5, [network.office] subnet: subnet 10.61.1.0/25 overlaps',
  ],
  [
    'a dangling network',
    `${ENTRY}[d]\nnetworks = dmz, lab\n`,
    'BAD_REQUEST',
    'line 5, [d] networks: no [network.lab] section',
  ],
  [
    'a self-loop',
    `${ENTRY}[d]\nnetworks = dmz, dmz\n`,
    'BAD_REQUEST',
    "line 5, [d] networks: network 'dmz' is listed twice",
  ],
  [
    'an unreachable network',
    `${ENTRY}${NET('office', '10.61.2.0/24')}[ws]\nnetworks = office\n`,
    'BAD_REQUEST',
    "line 4, [network.office]: network 'office' is unreachable",
  ],
  [
    '1,000 networks',
    `${Array.from({ length: 1000 }, (_, i) => NET(`n${i}`, `10.${60 + Math.floor(i / 250)}.${i % 250}.0/24`)).join('')}[d]\n`,
    'BAD_REQUEST',
    'line 65, [network.n32]: the INI declares more than 32 networks',
  ],
  [
    'a network on the fleet LAN',
    MAZE.replace('10.61.2.0/24', '172.31.0.0/16'),
    'CONFLICT',
    "line 4, [network.office] subnet: 172.31.0.0/16 overlaps the fleet's decky LAN 172.31.77.0/24",
  ],
]

describe('topology INIs through fleet.deploy (runner disabled)', () => {
  const { admin } = inProcessApiOfSuite({ env: NO_WORKERS })

  it.each(CASES)('%s: typed error with its line, nothing written', async (_title, ini, code, fragment) => {
    await admin.fleet.deploy({ ini: '[keeper]\nservices = ssh\n' }).catch(() => undefined)
    const fleetBefore = await admin.fleet.list()
    for (const call of [() => admin.fleet.deploy({ ini }), () => admin.fleet.preview({ ini })]) {
      const error = await call().then(
        () => undefined,
        (caught: Error) => caught,
      )
      expect(error).toMatchObject({ code })
      expect(error?.message).toContain(fragment)
    }
    expect(await admin.fleet.list()).toEqual(fleetBefore)
  })

  it('the local engine (no networks of its own) refuses a sound topology, nothing written', async () => {
    const fleetBefore = await admin.fleet.list()
    const error = await admin.fleet.deploy({ ini: MAZE }).then(
      () => undefined,
      (caught: Error) => caught,
    )
    expect(error).toMatchObject({ code: 'BAD_REQUEST' })
    expect(error?.message).toContain('need the Docker engine')
    expect(await admin.fleet.list()).toEqual(fleetBefore)
  })
})

describe('a sound topology committed on the Docker engine (runner disabled)', () => {
  const suite = inProcessApiOfSuite({ env: { ...NO_WORKERS, DECNET_ENGINE: 'docker' } })

  it('stores each decky with its links, way out and neighbours; a later INI cannot take its networks', async () => {
    const { lifecycleIds } = await suite.admin.fleet.deploy({ ini: MAZE })
    expect(lifecycleIds).toHaveLength(2)
    const jump = await suite.services.db.fleet.get('jump-01')
    const ws = await suite.services.db.fleet.get('ws-01')
    expect(jump?.topology?.links.map((link) => [link.network, link.internal])).toEqual([
      ['dmz', false],
      ['office', true],
    ])
    expect(jump?.topology).toMatchObject({ forwards: true, gateway: null })
    expect(jump?.ip).toBe(jump?.topology?.links[0]?.ip)
    const jumpOnOffice = jump?.topology?.links[1]?.ip
    expect(ws?.topology).toMatchObject({
      forwards: false,
      gateway: jumpOnOffice,
      links: [{ network: 'office', subnet: '10.61.2.0/24', networkGateway: '10.61.2.1', internal: true }],
      neighbours: [
        { name: 'jump-01', hostname: jump?.hostname, ip: jumpOnOffice, network: 'office', pivot: true },
      ],
    })

    // fleet.get shows a decky's topology; fleet.list stays lean without it.
    expect((await suite.admin.fleet.get({ name: 'ws-01' })).topology).toEqual(ws?.topology)
    expect((await suite.admin.fleet.list()).every((decky) => !('topology' in decky))).toBe(true)

    // The same INI again is kept whole; another INI on its networks is a conflict naming the line.
    const again = await suite.admin.fleet.preview({ ini: MAZE, replaceFleet: true })
    expect(again.create).toEqual([])
    for (const [ini, fragment, code] of [
      [
        `${NET('lab', '10.62.1.0/24', 'entry = true\n')}${NET('office', '10.62.2.0/24')}[gw]\nnetworks = lab, office\n`,
        "line 4, [network.office]: network 'office' already exists, which decky 'jump-01' sits on",
        'CONFLICT',
      ],
      [
        `${NET('lab', '10.62.1.0/24', 'entry = true\ndriver = macvlan\n')}[probe]\n`,
        "line 1, [network.lab]: network 'lab': driver macvlan is not built yet",
        'BAD_REQUEST',
      ],
      [
        `${NET('lab', '10.61.2.0/25', 'entry = true\n')}[probe]\n`,
        "line 1, [network.lab]: 10.61.2.0/25 overlaps network 'office' (10.61.2.0/24)",
        'CONFLICT',
      ],
    ] as const) {
      const error = await suite.admin.fleet.deploy({ ini }).then(
        () => undefined,
        (caught: Error) => caught,
      )
      expect(error).toMatchObject({ code })
      expect(error?.message).toContain(fragment)
    }
    expect((await suite.admin.fleet.list()).map((decky) => decky.name).sort()).toEqual(['jump-01', 'ws-01'])
  })
})
