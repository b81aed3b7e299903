'use client'

import { useQuery } from '@tanstack/react-query'
import { TableHead } from '@/components/table-head.tsx'
import { useTRPC } from '@/trpc/client.ts'
import type { DeckyView } from './decky-header.tsx'

function settingText(value: string | number | boolean | string[]): string {
  return Array.isArray(value) ? value.join(', ') : String(value)
}

/**
 * The services it runs, their ports (from the catalogue) and settings (secrets arrive masked); custom
 * services with their image and command (their environment by name only).
 */
export function DeckyServices({ decky }: { decky: DeckyView }) {
  const trpc = useTRPC()
  const catalogue = useQuery(trpc.catalog.services.queryOptions(undefined, { staleTime: 300_000 }))
  const ports = new Map(
    (catalogue.data ?? []).map((service) => [
      service.slug,
      service.ports.map((port) => `${port.port}/${port.protocol}`).join(', '),
    ]),
  )
  return (
    <section className="panel" aria-labelledby="services-heading" data-testid="decky-services">
      <h2 id="services-heading" style={{ marginTop: 0 }}>
        Services ({decky.services.length + decky.customServices.length})
      </h2>
      <table>
        <TableHead columns={['Service', 'Ports', 'Settings']} />
        <tbody>
          {decky.services.map((slug) => {
            const settings = Object.entries(decky.serviceConfig[slug] ?? {})
            return (
              <tr key={slug} data-testid={`service-${slug}`}>
                <td className="mono">{slug}</td>
                <td className="mono small nowrap">{ports.get(slug) ?? '…'}</td>
                <td className="small">
                  {settings.length === 0 ? (
                    <span className="muted">defaults</span>
                  ) : (
                    <dl className="decky-settings">
                      {settings.map(([key, value]) => (
                        <div key={key} style={{ display: 'contents' }}>
                          <dt className="mono">{key}</dt>
                          <dd className="mono safe-text">{settingText(value)}</dd>
                        </div>
                      ))}
                    </dl>
                  )}
                </td>
              </tr>
            )
          })}
          {decky.customServices.map((service) => (
            <tr key={service.name} data-testid={`service-${service.name}`}>
              <td className="mono">{service.name}</td>
              <td className="mono small nowrap">
                {service.ports.map((port) => `${port.port}/${port.protocol}`).join(', ')}
              </td>
              <td className="small">
                <dl className="decky-settings">
                  <dt className="mono">image</dt>
                  <dd className="mono safe-text">{service.image}</dd>
                  {service.command.length > 0 && (
                    <>
                      <dt className="mono">command</dt>
                      <dd className="mono safe-text">{service.command.join(' ')}</dd>
                    </>
                  )}
                  {Object.keys(service.env).length > 0 && (
                    <>
                      <dt className="mono">env</dt>
                      <dd className="mono safe-text">{Object.keys(service.env).join(', ')}</dd>
                    </>
                  )}
                </dl>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
