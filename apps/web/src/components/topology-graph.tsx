'use client'

import type { DeckyState } from '@decnet/core/schemas'
import { DECKY_STATE_BADGE } from '@/components/decky-operations.tsx'
import { hopKey } from '@/components/hop-cells.tsx'
import { BOX_WIDTH, layoutTopology, ROW, type Topology } from '@/lib/topology-layout.ts'

/** The tone of a decky's state (ok, warn, bad or none), as its badge elsewhere in the console. */
const toneOf = (state: DeckyState) => DECKY_STATE_BADGE[state].split(' ')[1] ?? 'none'

/**
 * The deployed topology as an SVG: networks as boxes (entry first, each inner network right of the
 * network its pivot leads from), deckies as linked nodes with their live state, pivot lines, and
 * attackers' hops through pivots as red arrows (their deckies' names in red).
 */
export function TopologyGraph({ topology, label }: { topology: Topology; label: string }) {
  const layout = layoutTopology(topology)
  const attacked = new Set(layout.hops.flatMap(({ hop }) => [hop.from, hop.to ?? '']))
  return (
    <figure className="topology-scroll">
      <svg
        className="topology-graph"
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        width={layout.width}
        height={layout.height}
        data-testid="topology-graph"
      >
        <title>{label}</title>
        <defs>
          <marker
            id="hop-arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" className="topology-hop-head" />
          </marker>
        </defs>
        {layout.boxes.map(({ network, x, y, height, members }) => (
          <g
            key={network.name}
            data-testid={`topology-network-${network.name}`}
            data-parent={network.parent ?? ''}
          >
            <rect
              className={`topology-box ${network.entry ? 'entry' : 'inner'}`}
              x={x}
              y={y}
              width={BOX_WIDTH}
              height={height}
              rx={6}
            />
            <text className="topology-network-name" x={x + 10} y={y + 18}>
              {network.name} {network.entry ? '(entry)' : '(internal)'}
            </text>
            <text className="topology-muted" x={x + 10} y={y + 34}>
              {network.subnet}
              {network.via ? ` · via ${network.via}` : ''}
            </text>
            {members.map(({ node, at }) => (
              <a
                key={node.name}
                href={`/fleet/${encodeURIComponent(node.name)}`}
                data-testid={`topology-node-${node.name}`}
                data-state={node.state}
                data-attacked={attacked.has(node.name) ? 'true' : undefined}
              >
                <rect
                  className="topology-node-hit"
                  x={at.x - 10}
                  y={at.y - ROW / 2 + 2}
                  width={BOX_WIDTH - 16}
                  height={ROW - 4}
                  rx={4}
                />
                {node.pivot ? (
                  <rect
                    className={`topology-dot tone-${toneOf(node.state)}`}
                    x={at.x - 6}
                    y={at.y - 6}
                    width={12}
                    height={12}
                  />
                ) : (
                  <circle className={`topology-dot tone-${toneOf(node.state)}`} cx={at.x} cy={at.y} r={6} />
                )}
                <text className="topology-node-name" x={at.x + 14} y={at.y + 4}>
                  {node.name}
                  {node.pivot ? ' (pivot)' : ''}
                </text>
                <text className="topology-muted" x={at.x + BOX_WIDTH - 30} y={at.y + 4} textAnchor="end">
                  {node.state}
                </text>
              </a>
            ))}
          </g>
        ))}
        {layout.pivots.map(({ via, to, d }) => (
          <path key={`${via}|${to}`} className="topology-pivot-line" d={d} />
        ))}
        {layout.hops.map(({ hop, d }) => (
          <path
            key={hopKey(hop)}
            className="topology-hop"
            d={d}
            markerEnd="url(#hop-arrow)"
            data-testid="topology-hop"
            data-from={hop.from}
            data-to={hop.to ?? ''}
          />
        ))}
      </svg>
    </figure>
  )
}
