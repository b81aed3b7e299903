'use client'

import { useQuery } from '@tanstack/react-query'
import Link from 'next/link'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { SafeCell, SafeText } from '@/components/safe-text.tsx'
import { EmptyRow, TimeCell } from '@/components/table-cells.tsx'
import { TableHead } from '@/components/table-head.tsx'
import { formatTime } from '@/lib/format.ts'
import { useTRPC } from '@/trpc/client.ts'

/** The attacker page's sessions: recorded shells (replayable) and its connections per service. */
export function AttackerSessions({ attackerId }: { attackerId: string }) {
  const trpc = useTRPC()
  const sessions = useQuery(trpc.attackers.sessions.queryOptions({ id: attackerId, limit: 50 }))
  if (sessions.isPending) return <p className="muted">Loading sessions…</p>
  if (sessions.isError) return <ErrorAlert error={sessions.error} />
  const { terminal, terminalTotal, connections, connectionsPartial } = sessions.data
  return (
    <>
      <section aria-labelledby="terminal-sessions">
        <h2 id="terminal-sessions">Terminal sessions ({terminalTotal})</h2>
        <table>
          <TableHead columns={['Started', 'Decky', 'Via', 'User', 'Length', 'Recording']} />
          <tbody>
            {terminal.map((session) => (
              <tr key={session.id} data-testid="terminal-session-row">
                <TimeCell at={session.startedAt} />
                <SafeCell className="mono small" value={session.decky} limit={40} />
                <SafeCell className="small" value={session.via || session.service} limit={20} />
                <SafeCell className="mono small" value={session.username} limit={40} />
                <td className="small nowrap">
                  {session.durationSec === null ? 'open' : `${session.durationSec.toFixed(1)} s`}
                  {session.truncated && ' (cut)'}
                </td>
                <td>
                  <Link href={`/sessions/${encodeURIComponent(session.id)}`}>Replay</Link>
                </td>
              </tr>
            ))}
            {terminal.length === 0 && <EmptyRow columns={6}>No shell sessions recorded.</EmptyRow>}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="connections">
        <h2 id="connections">Connections ({connections.length})</h2>
        {connectionsPartial && (
          <p className="muted small">Grouped from the attacker&apos;s most recent events only.</p>
        )}
        <table>
          <TableHead columns={['Time', 'Decky', 'Service', 'Source port', 'Events']} />
          <tbody>
            {connections.map((c) => (
              <tr
                key={`${c.decky}|${c.service}|${c.attackerPort}|${c.startedAt}`}
                data-testid="connection-row"
              >
                <td className="small nowrap">
                  {formatTime(c.startedAt)}
                  {c.endedAt !== c.startedAt && (
                    <>
                      <br />→ {formatTime(c.endedAt)}
                    </>
                  )}
                </td>
                <SafeCell className="mono small" value={c.decky} limit={40} />
                <SafeCell className="small" value={c.service} limit={40} />
                <td className="mono small">{c.attackerPort}</td>
                <td className="small">
                  {c.eventTypes.map((t, index) => (
                    <span key={t.eventType}>
                      {index > 0 && ', '}
                      <SafeText value={t.eventType} limit={40} /> ×{t.count}
                    </span>
                  ))}
                  {!c.disconnected && <span className="muted"> (no disconnect seen)</span>}
                </td>
              </tr>
            ))}
            {connections.length === 0 && <EmptyRow columns={5}>No connections.</EmptyRow>}
          </tbody>
        </table>
      </section>
    </>
  )
}
