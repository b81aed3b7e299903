'use client'

import { useQuery } from '@tanstack/react-query'
import { useTRPC } from '@/trpc/client.ts'
import { TableHead } from './table-head.tsx'

const STATUS_LABEL = { healthy: 'Healthy', degraded: 'Degraded', unhealthy: 'Unhealthy' } as const

export function HealthPanel() {
  const trpc = useTRPC()
  const health = useQuery(trpc.health.get.queryOptions(undefined, { refetchInterval: 5_000 }))

  if (health.isPending) return <p aria-busy="true">Checking health…</p>
  if (health.isError) {
    return (
      <p role="alert" className="status status-unhealthy">
        API unreachable: {health.error.message}
      </p>
    )
  }
  const { status, engine, version, uptimeSeconds, components } = health.data
  return (
    <section aria-labelledby="health-heading" data-testid="health-panel">
      <h2 id="health-heading">
        System health:{' '}
        <span className={`status status-${status}`} data-testid="health-status">
          {STATUS_LABEL[status]}
        </span>
      </h2>
      <p>
        Engine: <strong data-testid="health-engine">{engine}</strong> · API {version} · up {uptimeSeconds}s
      </p>
      <table>
        <TableHead columns={['Component', 'Status', 'Detail']} />
        <tbody>
          {Object.entries(components).map(([name, component]) => (
            <tr key={name} data-testid={`component-${name}`}>
              <td>{name}</td>
              <td className={`status status-${component.status}`}>{component.status}</td>
              <td>{component.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
