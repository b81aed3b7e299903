// topology.get: the deployed topology drawn from the deckies' stored views (a three-network maze
// committed on the Docker engine with the runner disabled: rows only, nothing started).
import { logEventFixture } from '@decnet/db/testing'
import { describe, expect, it } from 'vitest'
import { inProcessApiOfSuite, NO_WORKERS } from './support/in-process.ts'
import { threeNetworkIni } from './support/topology-ini.ts'

const THREE_NETWORKS = threeNetworkIni(71, '[web-01]\nservices = ssh\n')

describe('topology.get (Docker engine, runner disabled)', () => {
  const suite = inProcessApiOfSuite({ env: { ...NO_WORKERS, DECNET_ENGINE: 'docker' } })

  it('is empty while only flat-LAN deckies exist', async () => {
    await suite.admin.fleet.deploy({ ini: '[flat-01]\nservices = ssh\n' })
    expect(await suite.admin.topology.get()).toEqual({ networks: [], nodes: [], edges: [], hops: [] })
  })

  it('draws networks from the entry outwards, pivots linking each to its parent, nodes with their links', async () => {
    await suite.admin.fleet.deploy({ ini: THREE_NETWORKS })
    const topology = await suite.admin.topology.get()
    expect(topology.networks).toEqual([
      { name: 'lan', subnet: '10.71.1.0/24', internal: false, entry: true, parent: null, via: null },
      { name: 'office', subnet: '10.71.2.0/24', internal: true, entry: false, parent: 'lan', via: 'jump-01' },
      {
        name: 'servers',
        subnet: '10.71.3.0/24',
        internal: true,
        entry: false,
        parent: 'office',
        via: 'db-gw',
      },
    ])
    expect(topology.edges).toEqual([
      { from: 'lan', to: 'office', via: 'jump-01' },
      { from: 'office', to: 'servers', via: 'db-gw' },
    ])
    const nodes = new Map(topology.nodes.map((node) => [node.name, node]))
    expect([...nodes.keys()].sort()).toEqual(['db-01', 'db-gw', 'jump-01', 'web-01', 'ws-01'])
    const jump = await suite.services.db.fleet.get('jump-01')
    expect(nodes.get('jump-01')).toEqual({
      name: 'jump-01',
      hostname: jump?.hostname,
      state: jump?.state,
      pivot: true,
      links: jump?.topology?.links.map(({ network, ip }) => ({ network, ip })),
    })
    expect(nodes.get('db-01')).toMatchObject({ pivot: false, links: [{ network: 'servers' }] })
    expect(nodes.get('web-01')?.links.map((link) => link.network)).toEqual(['lan'])

    // A node shows the state the fleet list shows.
    await suite.services.db.fleet.setState('db-01', 'failed')
    const listed = (await suite.admin.fleet.list()).find((decky) => decky.name === 'db-01')
    const drawn = (await suite.admin.topology.get()).nodes.find((node) => node.name === 'db-01')
    expect(drawn?.state).toBe('failed')
    expect(drawn?.state).toBe(listed?.state)
  })

  it("an attacker's allowed forwards through pivots are its path (attackers.path) and the topology's hops", async () => {
    const attacker = '203.0.113.50'
    const at = (second: number) => new Date(Date.UTC(2026, 11, 4, 12, 0, second))
    const jump = await suite.services.db.fleet.get('jump-01')
    const jumpOnOffice = jump?.topology?.links.find((link) => link.network === 'office')?.ip ?? ''
    const forward = (second: number, decky: string, fields: Record<string, unknown>, attackerIp = attacker) =>
      logEventFixture({
        timestamp: at(second),
        decky,
        eventType: 'tcpip_forward',
        attackerIp,
        fields,
        rawLine: 'forward',
      })
    await suite.services.db.logs.ingest([
      logEventFixture({
        timestamp: at(0),
        decky: 'jump-01',
        eventType: 'auth_attempt',
        attackerIp: attacker,
      }),
      forward(1, 'jump-01', { dst_ip: '10.71.2.20', dst_port: 22, neighbour: 'ws-01', allowed: true }),
      forward(2, 'jump-01', { dst_ip: '10.71.2.20', dst_port: 22, neighbour: 'ws-01', allowed: true }),
      // Refused (the servers network is not jump-01's): no hop.
      forward(3, 'jump-01', {
        dst_ip: '10.71.3.10',
        dst_port: 22,
        allowed: false,
        reason: 'not a neighbour',
      }),
      forward(4, 'jump-01', { dst_ip: '10.71.2.30', dst_port: 22, neighbour: 'db-gw', allowed: true }),
      // A decoy that did not name the neighbour (and a hostile one): the hop stays, with no decky.
      forward(5, 'db-gw', { dst_ip: '10.71.3.10', dst_port: '22', neighbour: '<script>', allowed: true }),
      forward(
        6,
        'jump-01',
        { dst_ip: '10.71.2.20', dst_port: 22, neighbour: 'ws-01', allowed: true },
        '198.51.100.9',
      ),
      // On through db-gw (a pivot too): it sees jump-01's office address as the source; what came from
      // there before the attacker reached db-gw is not the attacker's.
      forward(
        7,
        'db-gw',
        { dst_ip: '10.71.3.2', dst_port: 22, neighbour: 'db-01', allowed: true },
        jumpOnOffice,
      ),
      forward(
        3,
        'db-gw',
        { dst_ip: '10.71.3.2', dst_port: 2222, neighbour: 'db-01', allowed: true },
        jumpOnOffice,
      ),
    ])
    const { rows } = await suite.admin.attackers.list({ sort: 'recent' })
    const id = rows.find((row) => row.ip === attacker)?.id ?? ''
    const path = await suite.admin.attackers.path({ id })
    expect(path.attackerIp).toBe(attacker)
    expect(path.path).toEqual(['jump-01', 'ws-01', 'jump-01', 'db-gw', 'db-01'])
    const hop = (
      from: string,
      to: string | null,
      dstIp: string,
      dstPort: number | null,
      seconds: number[],
    ) => ({
      attackerIp: attacker,
      from,
      to,
      dstIp,
      dstPort,
      count: seconds.length,
      firstSeen: at(seconds[0] ?? 0).toISOString(),
      lastSeen: at(seconds.at(-1) ?? 0).toISOString(),
    })
    expect(path.hops).toEqual([
      hop('jump-01', 'ws-01', '10.71.2.20', 22, [1, 2]),
      hop('jump-01', 'db-gw', '10.71.2.30', 22, [4]),
      hop('db-gw', null, '10.71.3.10', null, [5]),
      { ...hop('db-gw', 'db-01', '10.71.3.2', 22, [7]), attackerIp: jumpOnOffice },
    ])
    const { hops } = await suite.admin.topology.get()
    expect(hops.map((hop) => [hop.attackerIp, hop.from, hop.to])).toEqual([
      [attacker, 'jump-01', 'ws-01'],
      [jumpOnOffice, 'db-gw', 'db-01'],
      [attacker, 'jump-01', 'db-gw'],
      [attacker, 'db-gw', null],
      ['198.51.100.9', 'jump-01', 'ws-01'],
      [jumpOnOffice, 'db-gw', 'db-01'],
    ])
    await expect(suite.admin.attackers.path({ id: 'no-such-attacker' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })
})
