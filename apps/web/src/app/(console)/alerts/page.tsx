'use client'

import {
  CHANNEL_KINDS,
  type Channel,
  type ChannelKind,
  SEVERITIES,
  type Severity,
} from '@decnet/core/schemas'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { ConfirmAction } from '@/components/confirm-step.tsx'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { SafeText } from '@/components/safe-text.tsx'
import { SelectOptions } from '@/components/select-options.tsx'
import { useIsAdmin } from '@/components/session.tsx'
import { TableHead } from '@/components/table-head.tsx'
import { TextField } from '@/components/text-field.tsx'
import {
  type ChannelDraft,
  draftOf,
  EMPTY_DRAFT,
  payloadOf,
  targetOf,
  type WebhookFormat,
} from '@/lib/channel-form.ts'
import { formatTime } from '@/lib/format.ts'
import { useTRPC } from '@/trpc/client.ts'

const HEALTH_CLASS: Record<Channel['health'], string> = {
  healthy: 'status-up',
  failing: 'status-degraded',
  breaker_open: 'status-down',
  disabled: 'status-disabled',
}

const HEALTH_LABEL: Record<Channel['health'], string> = {
  healthy: 'healthy',
  failing: 'failing',
  breaker_open: 'breaker open',
  disabled: 'disabled',
}

/** Create or edit one channel. Secrets are write-only: empty on edit keeps the stored one. */
function ChannelForm({ editing, onDone }: { editing: Channel | null; onDone: (message: string) => void }) {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const [draft, setDraft] = useState<ChannelDraft>(editing ? draftOf(editing) : EMPTY_DRAFT)
  const [problem, setProblem] = useState<string | null>(null)
  const set = <K extends keyof ChannelDraft>(key: K, value: ChannelDraft[K]) =>
    setDraft({ ...draft, [key]: value })
  const saved = (channel: Channel) => {
    queryClient.invalidateQueries({ queryKey: trpc.alerts.channels.list.queryKey() })
    onDone(`channel "${channel.name}" saved`)
  }
  const create = useMutation(trpc.alerts.channels.create.mutationOptions({ onSuccess: saved }))
  const update = useMutation(trpc.alerts.channels.update.mutationOptions({ onSuccess: saved }))
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const result = payloadOf(draft)
    if (!result.ok) return setProblem(result.problem)
    setProblem(null)
    if (!editing) return create.mutate(result.payload)
    const { kind: _kind, ...changes } = result.payload
    update.mutate({ id: editing.id, ...changes })
  }
  const webhook = draft.kind === 'webhook'
  const secretSet = editing?.secretsSet.includes(draft.secretName) ?? false
  return (
    <form onSubmit={submit} data-testid="channel-form" className="panel">
      <h2>{editing ? `Edit ${editing.name}` : 'New channel'}</h2>
      <TextField label="Name" value={draft.name} onValue={(v) => set('name', v)} required maxLength={64} />
      <label className="field">
        <span>Kind</span>
        <select
          value={draft.kind}
          disabled={Boolean(editing)}
          onChange={(e) => {
            const kind = e.target.value as ChannelKind
            setDraft({ ...draft, kind, secretName: kind === 'webhook' ? 'hmacKey' : 'password' })
          }}
        >
          <SelectOptions values={CHANNEL_KINDS} />
        </select>
      </label>
      {webhook ? (
        <>
          <TextField
            label="URL"
            value={draft.url}
            onValue={(v) => set('url', v)}
            placeholder="https://hooks.example.com/…"
            required
            help="Checked against the SSRF policy now, and again (after DNS) before every send."
          />
          <label className="field">
            <span>Format</span>
            <select value={draft.format} onChange={(e) => set('format', e.target.value as WebhookFormat)}>
              <option value="json">Generic JSON</option>
              <option value="slack">Slack-compatible</option>
              <option value="teams">Teams-compatible (MessageCard)</option>
            </select>
          </label>
        </>
      ) : (
        <label className="field">
          <span>Settings (JSON)</span>
          <textarea
            rows={5}
            value={draft.settingsJson}
            onChange={(e) => set('settingsJson', e.target.value)}
          />
        </label>
      )}
      {!webhook && (
        <TextField
          label="Secret name"
          value={draft.secretName}
          onValue={(v) => set('secretName', v)}
          maxLength={64}
        />
      )}
      <TextField
        label={webhook ? 'HMAC key' : 'Secret value'}
        type="password"
        autoComplete="new-password"
        value={draft.secretValue}
        onValue={(v) => set('secretValue', v)}
        help={
          secretSet ? 'Set. Leave empty to keep it; it is never shown.' : 'Write-only: never shown again.'
        }
      />
      <label className="field">
        <span>Minimum severity</span>
        <select value={draft.minSeverity} onChange={(e) => set('minSeverity', e.target.value as Severity)}>
          <SelectOptions values={SEVERITIES} />
        </select>
      </label>
      <label className="row small">
        <input type="checkbox" checked={draft.enabled} onChange={(e) => set('enabled', e.target.checked)} />{' '}
        Enabled
      </label>
      <label className="row small">
        <input
          type="checkbox"
          checked={draft.allowPrivateTargets}
          onChange={(e) => set('allowPrivateTargets', e.target.checked)}
        />{' '}
        Allow private-range targets (RFC 1918, CGNAT, ULA)
      </label>
      {problem && (
        <p className="alert" role="alert">
          {problem}
        </p>
      )}
      {create.isError && <ErrorAlert error={create.error} testId="channel-error" />}
      {update.isError && <ErrorAlert error={update.error} testId="channel-error" />}
      <div className="row">
        <button type="submit" className="primary" disabled={create.isPending || update.isPending}>
          {editing ? 'Save' : 'Add channel'}
        </button>
        <button type="button" onClick={() => onDone('')}>
          Cancel
        </button>
      </div>
    </form>
  )
}

/** Enqueues a test alert and follows its delivery until it is delivered or given up. */
function SendTest({ channel }: { channel: Channel }) {
  const trpc = useTRPC()
  const send = useMutation(trpc.alerts.channels.sendTest.mutationOptions())
  const deliveryId = send.data?.deliveryId
  const delivery = useQuery(
    trpc.alerts.deliveries.list.queryOptions(
      { id: deliveryId ?? '' },
      {
        enabled: Boolean(deliveryId),
        refetchInterval: (query) => {
          const status = query.state.data?.[0]?.status
          return status === 'delivered' || status === 'dead' ? false : 1_000
        },
      },
    ),
  )
  const row = delivery.data?.[0]
  return (
    <span className="row small">
      <button type="button" onClick={() => send.mutate({ id: channel.id })} disabled={send.isPending}>
        Send test
      </button>
      {send.isError && <ErrorAlert error={send.error} />}
      {row && (
        <span data-testid="test-delivery" data-status={row.status}>
          test {row.status}
          {row.lastError ? `: ${row.lastError}` : ''}
        </span>
      )}
    </span>
  )
}

function RemoveChannel({ channel }: { channel: Channel }) {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const remove = useMutation(
    trpc.alerts.channels.remove.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.alerts.channels.list.queryKey() }),
    }),
  )
  return (
    <ConfirmAction
      label="Remove"
      ariaLabel={`Remove ${channel.name}`}
      question={`Remove ${channel.name} and its ${channel.backlog} undelivered alert(s)?`}
      confirmLabel="Confirm remove"
      pending={remove.isPending}
      onConfirm={(close) => remove.mutate({ id: channel.id }, { onSuccess: close })}
    />
  )
}

export default function AlertsPage() {
  const trpc = useTRPC()
  const isAdmin = useIsAdmin()
  // Delivery state changes in the worker, not through a request: refresh on a short cadence.
  const channels = useQuery(trpc.alerts.channels.list.queryOptions(undefined, { refetchInterval: 2_000 }))
  const deliveries = useQuery(
    trpc.alerts.deliveries.list.queryOptions({ limit: 20 }, { refetchInterval: 2_000 }),
  )
  const [form, setForm] = useState<{ editing: Channel | null } | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  return (
    <>
      <h1>Alert channels</h1>
      <p className="muted small">
        Every alert is committed with its incident and delivered at least once to each enabled channel whose
        minimum severity it reaches, with an idempotency key receivers de-duplicate on. A failing endpoint is
        retried with backoff; after repeated failures its breaker opens and it is probed later.
      </p>
      {message && (
        <p role="status" className="small">
          {message}
        </p>
      )}
      {channels.isError && <ErrorAlert error={channels.error} />}
      {isAdmin && !form && (
        <button type="button" className="primary" onClick={() => setForm({ editing: null })}>
          New channel
        </button>
      )}
      {isAdmin && form && (
        <ChannelForm
          key={form.editing?.id ?? 'new'}
          editing={form.editing}
          onDone={(done) => {
            setForm(null)
            setMessage(done || null)
          }}
        />
      )}
      <table data-testid="channels-table">
        <TableHead
          columns={[
            'Channel',
            'Target',
            'State',
            'Min. severity',
            'Last delivery',
            'Last error',
            'Backlog',
            { key: 'actions', label: <span className="sr-only">Actions</span> },
          ]}
        />
        <tbody>
          {(channels.data ?? []).map((channel) => (
            <tr key={channel.id} data-testid={`channel-${channel.name}`} data-health={channel.health}>
              <td>
                <strong>{channel.name}</strong> <span className="badge">{channel.kind}</span>
              </td>
              <td className="mono small">{targetOf(channel)}</td>
              <td className={HEALTH_CLASS[channel.health]} data-testid="channel-health">
                {HEALTH_LABEL[channel.health]}
                {channel.consecutiveFailures > 0 && (
                  <div className="muted small">{channel.consecutiveFailures} failure(s) in a row</div>
                )}
              </td>
              <td>{channel.minSeverity}</td>
              <td className="small">{formatTime(channel.lastDeliveryAt)}</td>
              <td className="small" data-testid="channel-last-error">
                {channel.lastError ? <SafeText value={channel.lastError} limit={200} /> : '—'}
                {channel.lastErrorAt && <div className="muted">{formatTime(channel.lastErrorAt)}</div>}
              </td>
              <td>{channel.backlog}</td>
              <td>
                {isAdmin && (
                  <div className="row">
                    <SendTest channel={channel} />
                    <button type="button" onClick={() => setForm({ editing: channel })}>
                      Edit
                    </button>
                    <RemoveChannel channel={channel} />
                  </div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Recent deliveries</h2>
      {deliveries.isError && <ErrorAlert error={deliveries.error} />}
      <table data-testid="deliveries-table">
        <TableHead
          columns={['Created', 'Channel', 'Alert', 'Status', 'Attempts', 'Next attempt', 'Last error']}
        />
        <tbody>
          {(deliveries.data ?? []).map((delivery) => (
            <tr key={delivery.id} data-status={delivery.status}>
              <td className="small">{formatTime(delivery.createdAt)}</td>
              <td>{delivery.channelName}</td>
              <td className="small">
                <SafeText value={delivery.title} limit={120} />
              </td>
              <td>{delivery.status}</td>
              <td>{delivery.attempts}</td>
              <td className="small">
                {delivery.status === 'pending' || delivery.status === 'failed'
                  ? formatTime(delivery.nextAttemptAt)
                  : '—'}
              </td>
              <td className="small">
                {delivery.lastError ? <SafeText value={delivery.lastError} limit={200} /> : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
