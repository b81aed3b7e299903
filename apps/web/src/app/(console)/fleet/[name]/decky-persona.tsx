import { archetypeLabel } from '@decnet/core'
import { formatTime } from '@/lib/format.ts'
import type { DeckyView } from './decky-header.tsx'

/** Who the decky pretends to be and where it really answers. */
export function DeckyPersona({ decky }: { decky: DeckyView }) {
  const local = decky.address !== decky.ip
  return (
    <section className="panel" aria-labelledby="persona-heading" data-testid="decky-persona">
      <h2 id="persona-heading" style={{ marginTop: 0 }}>
        Persona
      </h2>
      <dl className="decky-persona small">
        <dt>Hostname</dt>
        <dd className="mono" data-testid="persona-hostname">
          {decky.hostname}
        </dd>
        <dt>OS</dt>
        <dd data-testid="persona-os">
          {decky.osFamily} · {decky.distro}
        </dd>
        <dt>Archetype</dt>
        <dd data-testid="persona-archetype">{archetypeLabel(decky)}</dd>
        <dt>LAN IP / MAC</dt>
        <dd className="mono">
          <span data-testid="persona-ip">{decky.ip}</span> · {decky.mac}
        </dd>
        <dt>Listens on</dt>
        <dd data-testid="persona-address">
          <span className="mono">{decky.address}</span>
          {local && <span className="muted"> (local engine: reach it here, not on its LAN IP)</span>}
        </dd>
        <dt>Host</dt>
        <dd>{decky.hostName}</dd>
        <dt>Mutation interval</dt>
        <dd>{decky.mutateInterval ?? 'global'}</dd>
        <dt>Last mutation</dt>
        <dd>{decky.lastMutatedAt ? formatTime(decky.lastMutatedAt) : 'never'}</dd>
        <dt>Created</dt>
        <dd>{formatTime(decky.createdAt)}</dd>
        {decky.lastError && (
          <>
            <dt>Last error</dt>
            <dd className="safe-text status-failed">{decky.lastError}</dd>
          </>
        )}
      </dl>
    </section>
  )
}
