'use client'

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { TableHead } from '@/components/table-head.tsx'
import { formatTime } from '@/lib/format.ts'
import { useTRPC } from '@/trpc/client.ts'

const short = (digest: string | null) => (digest ? digest.slice(7, 19) : '—')
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

/** Decky upgrades per batch and the pause between batches (the API's bounds). */
const PACING_FIELDS = [
  { key: 'batchSize', label: 'Deckies at once', min: 1, max: 50 },
  { key: 'pauseSeconds', label: 'Pause between batches (s)', min: 0, max: 3600 },
] as const

function WholeNumberField(props: {
  label: string
  min: number
  max: number
  value: number
  onValue: (value: number) => void
}) {
  return (
    <label className="field">
      <span>{props.label}</span>
      <input
        type="number"
        min={props.min}
        max={props.max}
        value={props.value}
        onChange={(e) =>
          props.onValue(Math.min(props.max, Math.max(props.min, Math.trunc(Number(e.target.value)))))
        }
      />
    </label>
  )
}

/**
 * The decoy image each host runs (by digest) and the pushes/rollouts that change it, live: the open
 * rollout's per-host progress (bytes pushed, deckies upgraded) refreshes every second. With `hostId`,
 * that host only and no controls.
 */
export function ImageRolloutPanel({ hostId }: { hostId?: string }) {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const status = useQuery(
    trpc.images.status.queryOptions(hostId ? { hostId } : {}, { refetchInterval: 1_000 }),
  )
  const [pacing, setPacing] = useState({ batchSize: 1, pauseSeconds: 0 })
  const settle = { onSettled: () => queryClient.invalidateQueries(trpc.images.status.queryFilter()) }
  const rollout = useMutation(trpc.images.rollout.mutationOptions(settle))
  const rollback = useMutation(trpc.images.rollback.mutationOptions(settle))
  const actions = [
    { label: 'Roll out', mutation: rollout },
    { label: 'Roll back', mutation: rollback },
  ]
  const data = status.data
  const open = data?.rollouts.find((row) => row.status === 'pending' || row.status === 'running')
  const latest = open ?? data?.rollouts.find((row) => row.kind !== 'push') ?? data?.rollouts[0]
  return (
    <section data-testid="image-panel">
      <h2>Decoy image</h2>
      {status.isError && <ErrorAlert error={status.error} />}
      {(rollout.error ?? rollback.error) && (
        <ErrorAlert error={rollout.error ?? rollback.error} testId="image-error" />
      )}
      {data && !hostId && (
        <p className="small">
          <span className="mono">{data.image ?? 'decoy image'}</span> on this machine:{' '}
          <span className="mono" data-testid="image-available">
            {short(data.availableDigest)}
          </span>
        </p>
      )}
      {data && (
        <table data-testid="image-hosts">
          <TableHead columns={['Host', 'Image', 'Previous', 'Since']} />
          <tbody>
            {data.hosts.map((host) => (
              <tr key={host.hostId} data-testid={`image-host-${host.hostName}`}>
                <td>{host.hostName}</td>
                <td className="mono" data-testid="image-digest">
                  {short(host.digest)}
                </td>
                <td className="mono">{short(host.previousDigest)}</td>
                <td className="small">{formatTime(host.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {latest && (
        <div data-testid="image-rollout" data-status={latest.status} data-kind={latest.kind}>
          <p className="small">
            {latest.kind} of <span className="mono">{short(latest.digest)}</span>:{' '}
            <strong>{latest.status}</strong>
            {latest.error && <span className="status-down"> — {latest.error}</span>}
          </p>
          <ul className="small">
            {latest.hosts.map((host) => (
              <li key={host.hostId} data-testid={`rollout-host-${host.hostId}`} data-phase={host.phase}>
                {host.hostId}: {host.phase}
                {host.bytesSent > 0 && (
                  <>
                    {' '}
                    <progress max={Math.max(host.imageBytes, host.bytesSent)} value={host.bytesSent} />{' '}
                    <span data-testid="rollout-bytes">{mib(host.bytesSent)}</span> of ~{mib(host.imageBytes)}
                  </>
                )}
                {host.deckiesTotal > 0 && ` · ${host.deckiesDone}/${host.deckiesTotal} deckies upgraded`}
                {host.error && <span className="status-down"> — {host.error}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
      {!hostId && (
        <div className="row">
          {PACING_FIELDS.map((field) => (
            <WholeNumberField
              key={field.key}
              label={field.label}
              min={field.min}
              max={field.max}
              value={pacing[field.key]}
              onValue={(value) => setPacing({ ...pacing, [field.key]: value })}
            />
          ))}
          {actions.map(({ label, mutation }) => (
            <button
              key={label}
              type="button"
              disabled={Boolean(open) || mutation.isPending}
              onClick={() => mutation.mutate(pacing)}
            >
              {label}
            </button>
          ))}
        </div>
      )}
    </section>
  )
}
