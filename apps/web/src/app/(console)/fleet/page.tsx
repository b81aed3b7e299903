'use client'

import { archetypeLabel } from '@decnet/core'
import { INTERVAL_PATTERN } from '@decnet/core/schemas'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import Link from 'next/link'
import { useMemo, useState } from 'react'
import { Chips } from '@/components/chips.tsx'
import { DECKY_STATE_BADGE, DeckyActions, DeckyStatus } from '@/components/decky-operations.tsx'
import { EngineBanner } from '@/components/engine-banner.tsx'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { IpAddress } from '@/components/ip-address.tsx'
import { useIsAdmin } from '@/components/session.tsx'
import { TableHead } from '@/components/table-head.tsx'
import { TrackedOpsPanel } from '@/components/tracked-ops.tsx'
import { errorMessage } from '@/lib/errors.ts'
import { formatTime, plural } from '@/lib/format.ts'
import { type RouterOutputs, useTRPC } from '@/trpc/client.ts'
import '@/styles/operations.css'
import { SelectOptions } from '@/components/select-options.tsx'
import { StatusNotice } from '@/components/status-notice.tsx'
import { EmptyRow } from '@/components/table-cells.tsx'

type Decky = RouterOutputs['fleet']['list'][number]

function IntervalEditor({ decky, onDone }: { decky: Decky; onDone: (message: string) => void }) {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const [value, setValue] = useState(decky.mutateInterval ?? '')
  const save = useMutation(
    trpc.fleet.setMutateInterval.mutationOptions({
      onSuccess: (result) => {
        queryClient.invalidateQueries({ queryKey: trpc.fleet.list.queryKey() })
        onDone(result.message)
      },
    }),
  )
  return (
    <form
      className="row"
      onSubmit={(event) => {
        event.preventDefault()
        save.mutate({ name: decky.name, interval: value.trim() === '' ? null : value.trim() })
      }}
    >
      <input
        aria-label={`Mutation interval for ${decky.name}`}
        placeholder="global"
        size={6}
        pattern={INTERVAL_PATTERN}
        title="An interval like 30m, 2h, 1d, 1w; empty follows the global interval"
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <button type="submit" disabled={save.isPending}>
        Save
      </button>
      {save.isError && (
        <span role="alert" className="status-failed small">
          {errorMessage(save.error)}
        </span>
      )}
    </form>
  )
}

function DeckyActionsCell({ decky, onMessage }: { decky: Decky; onMessage: (message: string) => void }) {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const [editing, setEditing] = useState(false)
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.fleet.list.queryKey() })
  if (editing)
    return (
      <IntervalEditor
        decky={decky}
        onDone={(m) => {
          setEditing(false)
          onMessage(m)
        }}
      />
    )
  return (
    <DeckyActions
      name={decky.name}
      onMessage={onMessage}
      refresh={refresh}
      afterTeardown={refresh}
      className="fleet-actions"
    >
      <button type="button" onClick={() => setEditing(true)} aria-label={`Change interval of ${decky.name}`}>
        Interval
      </button>
    </DeckyActions>
  )
}

/**
 * Where the decky answers from this machine. On the local engine that is its own loopback address,
 * not its LAN IP (which only a Docker engine binds): both are shown, each labelled.
 */
function DeckyAddress({ decky }: { decky: Decky }) {
  if (decky.address === decky.ip) return <IpAddress value={decky.ip} testId="decky-ip" />
  return (
    <>
      <div title="The loopback address this decky's services listen on (local engine): reach it here">
        <IpAddress value={decky.address} testId="decky-address" /> <span className="badge ok">reachable</span>
      </div>
      <div className="muted" title="The decky's persona LAN IP; the local engine does not bind it">
        LAN <IpAddress value={decky.ip} testId="decky-ip" />
      </div>
    </>
  )
}

export default function FleetPage() {
  const trpc = useTRPC()
  const isAdmin = useIsAdmin()
  // Lifecycle changes arrive by subscription (TrackedOpsPanel); the reconciler's state changes have no
  // stream, so the list is also refreshed every 15 s.
  const fleet = useQuery(
    trpc.fleet.list.queryOptions(undefined, { refetchOnWindowFocus: true, refetchInterval: 15_000 }),
  )
  const [text, setText] = useState('')
  const [state, setState] = useState('')
  const [service, setService] = useState('')
  const [message, setMessage] = useState<string | null>(null)

  const deckies = fleet.data ?? []
  const services = useMemo(() => [...new Set(deckies.flatMap((d) => d.services))].sort(), [deckies])
  const needle = text.trim().toLowerCase()
  const shown = deckies.filter(
    (d) =>
      (!state || d.state === state) &&
      (!service || d.services.includes(service as Decky['services'][number])) &&
      (!needle ||
        [d.name, d.ip, d.address, d.mac, d.hostname, d.distro, d.hostName, ...d.services].some((v) =>
          v.toLowerCase().includes(needle),
        )),
  )
  const running = deckies.filter((d) => d.state === 'running').length

  return (
    <>
      <div className="topbar">
        <h1 style={{ margin: 0 }}>Fleet</h1>
        {isAdmin && (
          <Link href="/fleet/deploy" className="button primary" data-testid="open-wizard">
            Deploy deckies
          </Link>
        )}
      </div>
      <EngineBanner />
      <TrackedOpsPanel />
      <StatusNotice message={message} testId="fleet-message" onDismiss={() => setMessage(null)} />
      <div className="row" style={{ marginBottom: 8 }}>
        <label>
          Filter
          <input
            type="search"
            placeholder="name, address, MAC, hostname, service…"
            value={text}
            onChange={(e) => setText(e.target.value)}
            size={30}
          />
        </label>
        <label>
          State
          <select value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">all</option>
            <SelectOptions values={Object.keys(DECKY_STATE_BADGE)} />
          </select>
        </label>
        <label>
          Service
          <select value={service} onChange={(e) => setService(e.target.value)}>
            <option value="">all</option>
            <SelectOptions values={services} />
          </select>
        </label>
        <span className="muted small" data-testid="fleet-count">
          {plural(deckies.length, 'decky', 'deckies')} · {running} running · showing {shown.length}
        </span>
      </div>
      {fleet.isError && <ErrorAlert error={fleet.error} />}
      <div className="fleet-table-wrap">
        <table data-testid="fleet-table" className="fleet-table">
          <TableHead
            columns={[
              'Name',
              'State',
              'Address / MAC',
              'Hostname / OS',
              'Services',
              'Host / mutation',
              'Last error',
              isAdmin && 'Actions',
            ]}
          />
          <tbody>
            {shown.map((d) => (
              <tr key={d.name} data-testid={`decky-${d.name}`} data-state={d.state}>
                <td className="mono">
                  <Link href={`/fleet/${encodeURIComponent(d.name)}`} data-testid="decky-link">
                    {d.name}
                  </Link>
                </td>
                <td>
                  <DeckyStatus decky={d} below />
                </td>
                <td className="mono small">
                  <DeckyAddress decky={d} />
                  <div className="muted nowrap">{d.mac}</div>
                </td>
                <td className="small">
                  <div className="mono">{d.hostname}</div>
                  <div className="muted">
                    {d.distro} · {d.osFamily}
                    {d.archetype ? ` · ${archetypeLabel(d)}` : ''}
                  </div>
                </td>
                <td>
                  <Chips values={d.services} />
                </td>
                <td className="small">
                  <div>{d.hostName}</div>
                  <div className="muted nowrap" data-testid="decky-interval">
                    {d.mutateInterval ? `mutates every ${d.mutateInterval}` : 'global interval'}
                  </div>
                  {d.lastMutatedAt && (
                    <div className="muted nowrap" title="last mutation">
                      mutated {formatTime(d.lastMutatedAt)}
                    </div>
                  )}
                </td>
                <td className="small safe-text fleet-error">{d.lastError ?? ''}</td>
                {isAdmin && (
                  <td>
                    <DeckyActionsCell decky={d} onMessage={setMessage} />
                  </td>
                )}
              </tr>
            ))}
            {fleet.isSuccess && shown.length === 0 && (
              <EmptyRow columns={isAdmin ? 8 : 7}>
                {deckies.length === 0 ? 'No deckies yet.' : 'No decky matches the filters.'}
              </EmptyRow>
            )}
          </tbody>
        </table>
      </div>
    </>
  )
}
