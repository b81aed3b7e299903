import Link from 'next/link'
import type { DeckyView } from './decky-header.tsx'

type Topology = NonNullable<DeckyView['topology']>

/** A topology decky's networks: its address on each, its way out, and who shares them (links to them). */
export function DeckyNetworks({ topology }: { topology: Topology }) {
  return (
    <section className="panel" aria-labelledby="networks-heading" data-testid="decky-networks">
      <h2 id="networks-heading" style={{ marginTop: 0 }}>
        Networks{' '}
        {topology.forwards && <span className="muted small">(a pivot: it leads on into the next)</span>}
      </h2>
      <table>
        <caption className="sr-only">Its address on each network</caption>
        <thead>
          <tr>
            <th scope="col">Network</th>
            <th scope="col">Address</th>
            <th scope="col">Subnet</th>
            <th scope="col">Reached</th>
          </tr>
        </thead>
        <tbody>
          {topology.links.map((link) => (
            <tr key={link.network} data-testid={`decky-network-${link.network}`}>
              <td className="mono">{link.network}</td>
              <td className="mono">{link.ip}</td>
              <td className="mono">{link.subnet}</td>
              <td>{link.internal ? 'through a pivot' : 'from outside (entry)'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small">
        Way out: <span className="mono">{topology.gateway ?? 'the entry network\u2019s gateway'}</span>
      </p>
      {topology.neighbours.length > 0 && (
        <p className="small" data-testid="decky-neighbours">
          Shares its networks with{' '}
          {topology.neighbours.map((neighbour, index) => (
            <span key={`${neighbour.network}-${neighbour.name}`}>
              {index > 0 && ', '}
              <Link href={`/fleet/${encodeURIComponent(neighbour.name)}`}>{neighbour.name}</Link>{' '}
              <span className="mono muted">
                ({neighbour.ip} on {neighbour.network}
                {neighbour.pivot ? ', pivot' : ''})
              </span>
            </span>
          ))}
        </p>
      )}
    </section>
  )
}
