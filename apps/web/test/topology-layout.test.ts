import { describe, expect, it } from 'vitest'
import { BOX_WIDTH, layoutTopology, type Topology } from '@/lib/topology-layout.ts'

const network = (name: string, parent: string | null, via: string | null) => ({
  name,
  subnet: '10.0.0.0/24',
  internal: parent !== null,
  entry: parent === null,
  parent,
  via,
})
const node = (name: string, ...networks: string[]) => ({
  name,
  hostname: name,
  state: 'running' as const,
  pivot: networks.length > 1,
  links: networks.map((n, i) => ({ network: n, ip: `10.0.0.${i + 2}` })),
})
const hop = (from: string, to: string | null) => ({
  attackerIp: '203.0.113.1',
  from,
  to,
  dstIp: '10.0.0.9',
  dstPort: 22,
  count: 1,
  firstSeen: '2026-12-04T12:00:00.000Z',
  lastSeen: '2026-12-04T12:00:00.000Z',
})

const TOPOLOGY: Topology = {
  networks: [
    network('lan', null, null),
    network('office', 'lan', 'jump'),
    network('servers', 'office', 'gw'),
  ],
  // `gw` lists its inner network first: it still sits in office, the network nearer the entry.
  nodes: [
    node('jump', 'lan', 'office'),
    node('ws', 'office'),
    node('gw', 'servers', 'office'),
    node('db', 'servers'),
  ],
  edges: [
    { from: 'lan', to: 'office', via: 'jump' },
    { from: 'office', to: 'servers', via: 'gw' },
  ],
  hops: [hop('jump', 'ws'), hop('jump', null), hop('gw', 'ws')],
}

describe('topology layout', () => {
  const layout = layoutTopology(TOPOLOGY)
  const box = (name: string) => layout.boxes.find((b) => b.network.name === name)

  it('puts each network one column right of its parent, a pivot in its network nearest the entry', () => {
    expect(box('office')?.x).toBeGreaterThan((box('lan')?.x ?? 0) + BOX_WIDTH)
    expect(box('servers')?.x).toBeGreaterThan((box('office')?.x ?? 0) + BOX_WIDTH)
    expect(box('office')?.members.map((m) => m.node.name)).toEqual(['ws', 'gw'])
    expect(box('servers')?.members.map((m) => m.node.name)).toEqual(['db'])
    expect(layout.width).toBeGreaterThanOrEqual((box('servers')?.x ?? 0) + BOX_WIDTH)
  })

  it('draws a line per pivot and a curve per hop that reached a decky', () => {
    expect(layout.pivots.map((p) => [p.via, p.to])).toEqual([
      ['jump', 'office'],
      ['gw', 'servers'],
    ])
    expect(layout.hops.map(({ hop }) => [hop.from, hop.to])).toEqual([
      ['jump', 'ws'],
      ['gw', 'ws'],
    ])
    for (const { d } of [...layout.pivots, ...layout.hops]) expect(d).not.toContain('NaN')
  })
})
