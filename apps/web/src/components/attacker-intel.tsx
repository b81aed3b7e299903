'use client'

import type { AttackerClass, BehaviourCounter } from '@decnet/core/intel'
import { useQuery } from '@tanstack/react-query'
import Link from 'next/link'
import { EmptyRow, SeenCell, TimeCell } from '@/components/table-cells.tsx'
import { useTRPC } from '@/trpc/client.ts'
import { AttackTechnique } from './attack-technique.tsx'
import { ErrorAlert } from './error-alert.tsx'
import { NavigatorLayerButton } from './navigator-layer-button.tsx'
import { SafeCell, SafeText } from './safe-text.tsx'
import { TableHead } from './table-head.tsx'

const CLASS_LABELS: Record<AttackerClass, string> = {
  scanner: 'Scanner',
  brute_forcer: 'Brute-forcer',
  interactive: 'Interactive human',
  bot: 'Bot / worm',
  unknown: 'Not classified yet',
}
const CLASS_BADGES: Record<AttackerClass, string> = {
  scanner: 'badge',
  brute_forcer: 'badge warn',
  interactive: 'badge bad',
  bot: 'badge bad',
  unknown: 'badge',
}
const COUNTER_LABELS: Record<BehaviourCounter, string> = {
  connections: 'Connections',
  authAttempts: 'Login attempts',
  authFailures: 'Failed logins',
  interactiveSessions: 'Interactive sessions',
  interactiveCommands: 'Interactive commands',
  execCommands: 'Exec commands',
  requests: 'Requests',
  downloads: 'Downloads',
  probePayloads: 'Probe payloads',
}

/** The attacker page's intelligence: class and evidence, tools, fingerprints, techniques, indicators. */
export function AttackerIntelSection({ id }: { id: string }) {
  const trpc = useTRPC()
  const intel = useQuery(trpc.attackers.intel.queryOptions({ id }, { enabled: id.length > 0 }))
  if (intel.isPending) return <p className="muted">Loading intelligence…</p>
  if (intel.isError) return <ErrorAlert error={intel.error} />
  const i = intel.data
  const counters = (Object.keys(COUNTER_LABELS) as BehaviourCounter[]).filter((key) => i.behaviour[key])
  return (
    <section aria-labelledby="intel" data-testid="attacker-intel">
      <div className="row spread">
        <h2 id="intel">Intelligence</h2>
        <NavigatorLayerButton attackerId={id} />
      </div>
      <div className="grid-2">
        <div className="panel">
          <h3 style={{ marginTop: 0 }}>
            Class{' '}
            <span
              className={CLASS_BADGES[i.classification.class]}
              data-testid="attacker-class"
              data-class={i.classification.class}
            >
              {CLASS_LABELS[i.classification.class]}
            </span>
          </h3>
          {i.classification.evidence.length > 0 ? (
            <ul className="small" data-testid="class-evidence">
              {i.classification.evidence.map((line) => (
                <li key={line}>
                  <SafeText value={line} limit={300} />
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted small">No deciding evidence yet.</p>
          )}
          {counters.length > 0 && (
            <dl className="kv small">
              {counters.map((key) => (
                <div key={key} style={{ display: 'contents' }}>
                  <dt>{COUNTER_LABELS[key]}</dt>
                  <dd>{i.behaviour[key]}</dd>
                </div>
              ))}
            </dl>
          )}
        </div>
        <div className="panel">
          <h3 style={{ marginTop: 0 }}>Tools ({i.tools.length})</h3>
          {i.tools.length === 0 ? (
            <p className="muted small">No tool identified.</p>
          ) : (
            <ul className="small" data-testid="attacker-tools">
              {i.tools.map((tool) => (
                <li key={`${tool.tool}|${tool.ruleId}`}>
                  <strong>
                    <SafeText value={tool.tool} limit={60} />
                  </strong>{' '}
                  <span className="muted">
                    ×{tool.count} · rule <SafeText value={tool.ruleId} limit={80} /> v
                    <SafeText value={tool.ruleVersion} limit={20} />
                  </span>
                  <div className="mono">
                    <SafeText value={tool.evidence} limit={200} />
                  </div>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      <h3>Fingerprints ({i.fingerprintTotal})</h3>
      <table data-testid="attacker-fingerprints">
        <TableHead columns={['Kind', 'Value', 'Service', 'Count', 'Last seen']} />
        <tbody>
          {i.fingerprints.map((f) => (
            <tr key={`${f.kind}|${f.value}`}>
              <SafeCell className="small" value={f.kind} limit={20} />
              <td className="mono small" title={f.detail.slice(0, 500)}>
                <SafeText value={f.value} limit={120} />
              </td>
              <SafeCell className="small" value={f.service} limit={40} />
              <td>{f.count}</td>
              <TimeCell at={f.lastSeen} />
            </tr>
          ))}
          {i.fingerprints.length === 0 && <EmptyRow columns={5}>No fingerprints recorded.</EmptyRow>}
        </tbody>
      </table>
      <h3>ATT&amp;CK techniques ({i.techniques.length})</h3>
      <table data-testid="attacker-techniques">
        <TableHead columns={['Technique', 'Tactics', 'Evidence', 'Decky', 'Count', 'First / last']} />
        <tbody>
          {i.techniques.map((t) => (
            <tr key={`${t.technique}|${t.ruleId}`} data-testid="technique-row">
              <td className="small">
                <AttackTechnique id={t.technique} name={t.name} />
              </td>
              <td className="small">{t.tactics.join(', ')}</td>
              <SafeCell className="mono small" value={t.evidence} limit={160} />
              <SafeCell className="mono small" value={t.decky} limit={40} />
              <td>{t.count}</td>
              <SeenCell first={t.firstSeen} last={t.lastSeen} />
            </tr>
          ))}
          {i.techniques.length === 0 && <EmptyRow columns={6}>No technique tagged.</EmptyRow>}
        </tbody>
      </table>
      <h3>Indicators ({i.iocTotal})</h3>
      {i.iocTotal > i.iocs.length && (
        <p className="muted small">
          The {i.iocs.length} most recent of {i.iocTotal}; the <Link href="/iocs">IOCs page</Link> lists them
          all.
        </p>
      )}
      <table data-testid="attacker-iocs">
        <TableHead columns={['Kind', 'Value', 'Found in', 'Decky', 'Count', 'Last seen']} />
        <tbody>
          {i.iocs.map((ioc) => (
            <tr key={`${ioc.kind}|${ioc.value}`} data-testid="ioc-row">
              <SafeCell className="small" value={ioc.kind} limit={20} />
              <SafeCell className="mono small" value={ioc.value} limit={200} />
              <SafeCell className="small" value={ioc.source} limit={20} />
              <SafeCell className="mono small" value={ioc.decky} limit={40} />
              <td>{ioc.count}</td>
              <TimeCell at={ioc.lastSeen} />
            </tr>
          ))}
          {i.iocs.length === 0 && <EmptyRow columns={6}>No indicators extracted.</EmptyRow>}
        </tbody>
      </table>
    </section>
  )
}
