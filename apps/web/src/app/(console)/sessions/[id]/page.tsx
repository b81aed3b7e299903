'use client'

import { useQuery } from '@tanstack/react-query'
import { useParams, useRouter } from 'next/navigation'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { IpAddress } from '@/components/ip-address.tsx'
import { SafeText } from '@/components/safe-text.tsx'
import { SessionPlayer } from '@/components/session-player.tsx'
import { formatTime } from '@/lib/format.ts'
import { useTRPC } from '@/trpc/client.ts'

export default function SessionPage() {
  const trpc = useTRPC()
  const router = useRouter()
  const params = useParams<{ id: string }>()
  const id = decodeURIComponent(params.id ?? '')
  // A finished recording never changes: fetch it once.
  const recording = useQuery(
    trpc.sessions.get.queryOptions({ id }, { enabled: id.length > 0, staleTime: Number.POSITIVE_INFINITY }),
  )
  const back = (
    <p>
      <button type="button" className="link" onClick={() => router.back()}>
        ← Back
      </button>
    </p>
  )
  if (recording.isPending) return <p className="muted">Loading…</p>
  if (recording.isError) {
    return (
      <>
        {back}
        <ErrorAlert error={recording.error} />
      </>
    )
  }
  const { session, header, events, masked } = recording.data
  return (
    <>
      {back}
      <h1 style={{ fontSize: 20 }}>
        Terminal session <span className="mono">{session.via || session.service}</span>
      </h1>
      <dl className="kv panel">
        <dt>Attacker</dt>
        <dd className="mono">
          <IpAddress value={session.attackerIp} port={session.attackerPort} />
        </dd>
        <dt>Decky</dt>
        <dd className="mono">
          <SafeText value={session.decky} limit={64} />
        </dd>
        <dt>User</dt>
        <dd className="mono">
          <SafeText value={session.username} limit={64} />
        </dd>
        <dt>Time</dt>
        <dd>
          {formatTime(session.startedAt)} → {session.endedAt ? formatTime(session.endedAt) : 'still open'}
          {session.durationSec !== null && ` (${session.durationSec.toFixed(1)} s)`}
        </dd>
        <dt>Recorded</dt>
        <dd>
          {session.frameCount} frames, {session.bytes} characters
          {session.truncated && <strong> — cut: the rest of the session was not recorded</strong>}
        </dd>
      </dl>
      {masked && (
        <p className="muted small">Viewer copy: keystrokes are left out and secret-looking text is masked.</p>
      )}
      <SessionPlayer header={header} events={events} />
    </>
  )
}
