'use client'

import { useQuery } from '@tanstack/react-query'
import { HealthPanel } from '@/components/health-panel.tsx'
import { useTRPC } from '@/trpc/client.ts'

export default function HealthPage() {
  const trpc = useTRPC()
  const stats = useQuery(trpc.stats.get.queryOptions())
  return (
    <>
      <h1>Health</h1>
      {stats.data && (
        <div
          className="grid-3"
          style={{ gridTemplateColumns: 'repeat(5, minmax(0, 1fr))', marginBottom: 12 }}
        >
          {(
            [
              ['Deckies', stats.data.deckies],
              ['Running', stats.data.deckiesUp],
              ['Log rows', stats.data.logs],
              ['Last 24 h', stats.data.logs24h],
              ['Attackers', stats.data.attackers],
            ] as const
          ).map(([label, n]) => (
            <div key={label} className="stat">
              <div className="muted small">{label}</div>
              <div className="n">{n}</div>
            </div>
          ))}
        </div>
      )}
      <HealthPanel />
    </>
  )
}
