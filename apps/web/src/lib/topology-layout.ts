// Where the topology view draws things: one column per hop from the entry network, each network a box
// listing the deckies it is home to (a pivot's home is its network nearest the entry, so its line
// into the network behind it runs rightwards), then pivot lines and attackers' hops between nodes.
import type { RouterOutputs } from '@/trpc/client.ts'

export type Topology = RouterOutputs['topology']['get']
export type TopologyNode = Topology['nodes'][number]
export type TopologyHop = Topology['hops'][number]

export const BOX_WIDTH = 250
const COLUMN_GAP = 90
const BOX_GAP = 24
const HEADER = 44
export const ROW = 30
const PAD = 16

export type Point = { x: number; y: number }
export type NetworkBox = {
  network: Topology['networks'][number]
  x: number
  y: number
  height: number
  members: { node: TopologyNode; at: Point }[]
}
/** `d`: an SVG path, drawn outside the boxes' text (from a row's right edge). */
export type PivotLine = { via: string; to: string; d: string }
export type HopLine = { hop: TopologyHop; d: string }
export type TopologyLayout = {
  width: number
  height: number
  boxes: NetworkBox[]
  pivots: PivotLine[]
  hops: HopLine[]
}

export function layoutTopology(topology: Topology): TopologyLayout {
  const byName = new Map(topology.networks.map((network) => [network.name, network]))
  const depth = new Map<string, number>()
  const depthOf = (name: string, seen = new Set<string>()): number => {
    const known = depth.get(name)
    if (known !== undefined) return known
    const parent = byName.get(name)?.parent
    const value = parent && !seen.has(parent) ? depthOf(parent, seen.add(name)) + 1 : 0
    depth.set(name, value)
    return value
  }
  const home = new Map<string, string>()
  for (const node of topology.nodes) {
    const nearest = [...node.links].sort((a, b) => depthOf(a.network) - depthOf(b.network))[0]
    if (nearest) home.set(node.name, nearest.network)
  }
  const columnBottom: number[] = []
  const nodeAt = new Map<string, Point & { boxX: number }>()
  const boxes = topology.networks.map((network) => {
    const column = depthOf(network.name)
    const x = PAD + column * (BOX_WIDTH + COLUMN_GAP)
    const y = columnBottom[column] ?? PAD
    const nodes = topology.nodes.filter((node) => home.get(node.name) === network.name)
    const members = nodes.map((node, index) => {
      const at = { x: x + 18, y: y + HEADER + index * ROW + ROW / 2 }
      nodeAt.set(node.name, { ...at, boxX: x })
      return { node, at }
    })
    const height = HEADER + Math.max(nodes.length, 1) * ROW + 8
    columnBottom[column] = y + height + BOX_GAP
    return { network, x, y, height, members }
  })
  const boxOf = new Map(boxes.map((box) => [box.network.name, box]))
  const pivots = topology.edges.flatMap((edge) => {
    const from = nodeAt.get(edge.via)
    const box = boxOf.get(edge.to)
    if (!from || !box) return []
    const start = { x: from.boxX + BOX_WIDTH, y: from.y }
    return [{ via: edge.via, to: edge.to, d: `M ${start.x} ${start.y} L ${box.x} ${box.y + HEADER / 2}` }]
  })
  const hops = topology.hops.flatMap((hop) => {
    const from = nodeAt.get(hop.from)
    const to = hop.to === null ? undefined : nodeAt.get(hop.to)
    return from && to ? [{ hop, d: hopPath(from, to) }] : []
  })
  const columns = Math.max(columnBottom.length, 1)
  return {
    width: PAD * 2 + columns * BOX_WIDTH + (columns - 1) * COLUMN_GAP,
    height: Math.max(...columnBottom.map((bottom) => (bottom ?? 0) - BOX_GAP), PAD) + PAD,
    boxes,
    pivots,
    hops,
  }
}

/**
 * A hop's curve from the pivot's row to the reached node: into a column further right it ends at the
 * node's dot from the left; within a column (or back left) it loops out right of the boxes.
 */
function hopPath(from: Point & { boxX: number }, to: Point & { boxX: number }): string {
  const start = { x: from.boxX + BOX_WIDTH, y: from.y }
  if (to.boxX > from.boxX) {
    const end = { x: to.x - 9, y: to.y }
    const bend = (end.x - start.x) / 2
    return `M ${start.x} ${start.y} C ${start.x + bend} ${start.y}, ${end.x - bend} ${end.y}, ${end.x} ${end.y}`
  }
  const end = { x: to.boxX + BOX_WIDTH, y: to.y }
  const bulge = Math.max(COLUMN_GAP / 2, Math.abs(end.y - start.y) / 3)
  return `M ${start.x} ${start.y} C ${start.x + bulge} ${start.y}, ${end.x + bulge} ${end.y}, ${end.x} ${end.y}`
}
