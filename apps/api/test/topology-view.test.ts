// topology.get: the deployed topology drawn from the deckies' stored views (a three-network maze
// committed on the Docker engine with the runner disabled: rows only, nothing started).
import { describe, expect, it } from 'vitest'
import { inProcessApiOfSuite, NO_WORKERS } from './support/in-process.ts'

const NET = (name: string, subnet: string, extra = '') => `[network.${name}]\nsubnet = ${subnet}\n${extra}`
const THREE_NETWORKS = [
  NET('lan', '10.71.1.0/24', 'entry = true\n'),
  NET('office', '10.71.2.0/24'),
  NET('servers', '10.71.3.0/24'),
  '[web-01]\nservices = ssh\n',
  '[jump-01]\nservices = ssh\nnetworks = lan, office\n',
  '[ws-01]\nservices = ssh\nnetworks = office\n',
  '[db-gw]\nservices = ssh\nnetworks = office, servers\n',
  '[db-01]\nservices = ssh\nnetworks = servers\n',
].join('')

describe('topology.get (Docker engine, runner disabled)', () => {
  const suite = inProcessApiOfSuite({ env: { ...NO_WORKERS, DECNET_ENGINE: 'docker' } })

  it('is empty while only flat-LAN deckies exist', async () => {
    await suite.admin.fleet.deploy({ ini: '[flat-01]\nservices = ssh\n' })
    expect(await suite.admin.topology.get()).toEqual({ networks: [], nodes: [], edges: [] })
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
})
