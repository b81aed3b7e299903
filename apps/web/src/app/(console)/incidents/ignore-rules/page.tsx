'use client'

import {
  IGNORE_RULE_KINDS,
  IGNORE_RULE_NOTE_MAX,
  type IgnoreRuleKind,
  ignoreRuleValueProblem,
} from '@decnet/core/schemas'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import Link from 'next/link'
import { type FormEvent, useState } from 'react'
import { ConfirmAction } from '@/components/confirm-step.tsx'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { SafeText } from '@/components/safe-text.tsx'
import { SelectOptions } from '@/components/select-options.tsx'
import { useIsAdmin } from '@/components/session.tsx'
import { EmptyRow, TimeCell } from '@/components/table-cells.tsx'
import { TableHead } from '@/components/table-head.tsx'
import { type RouterOutputs, useTRPC } from '@/trpc/client.ts'

type Rule = RouterOutputs['incidents']['ignoreRules']['list'][number]

const KIND_HELP: Record<IgnoreRuleKind, { label: string; placeholder: string }> = {
  cidr: { label: 'Source network (CIDR)', placeholder: '198.51.100.0/24, 198.51.100.7/32, 2001:db8::/32' },
  service: { label: 'Service', placeholder: 'ssh, http, …' },
  decky: { label: 'Decky', placeholder: 'web-01' },
  scanner: { label: 'Known scanner', placeholder: 'masscan' },
}

function AddRuleForm({ onMessage }: { onMessage: (message: string) => void }) {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const [kind, setKind] = useState<IgnoreRuleKind>('cidr')
  const [value, setValue] = useState('')
  const [note, setNote] = useState('')
  const [checked, setChecked] = useState(false)
  const add = useMutation(
    trpc.incidents.ignoreRules.add.mutationOptions({
      onSuccess: (rule) => {
        setValue('')
        setNote('')
        setChecked(false)
        onMessage(`Added: ${rule.kind} ${rule.value}`)
        queryClient.invalidateQueries({ queryKey: trpc.incidents.ignoreRules.list.queryKey() })
      },
    }),
  )
  const problem = value.trim() ? ignoreRuleValueProblem(kind, value.trim()) : 'enter a value'
  const submit = (event: FormEvent) => {
    event.preventDefault()
    setChecked(true)
    if (problem) return
    add.mutate({ kind, value: value.trim(), ...(note.trim() ? { note: note.trim() } : {}) })
  }
  return (
    <form className="panel stack" onSubmit={submit} aria-labelledby="add-rule" noValidate>
      <h2 id="add-rule" style={{ marginTop: 0 }}>
        Add a rule
      </h2>
      <div className="row">
        <label className="field">
          <span>Kind</span>
          <select
            value={kind}
            onChange={(e) => setKind(e.target.value as IgnoreRuleKind)}
            data-testid="rule-kind"
          >
            <SelectOptions values={IGNORE_RULE_KINDS} label={(k) => KIND_HELP[k].label} />
          </select>
        </label>
        <label className="field">
          <span>Value</span>
          <input
            value={value}
            onChange={(e) => setValue(e.target.value)}
            placeholder={KIND_HELP[kind].placeholder}
            maxLength={64}
            aria-invalid={checked && problem !== null}
            data-testid="rule-value"
          />
        </label>
        <label className="field" style={{ flex: 1 }}>
          <span>Note (optional)</span>
          <input
            value={note}
            onChange={(e) => setNote(e.target.value)}
            maxLength={IGNORE_RULE_NOTE_MAX}
            data-testid="rule-note"
          />
        </label>
      </div>
      {checked && problem && (
        <p className="alert small" role="alert" data-testid="rule-problem">
          {problem}
        </p>
      )}
      {add.isError && <ErrorAlert error={add.error} testId="rule-error" />}
      <div>
        <button type="submit" className="primary" disabled={add.isPending}>
          Add rule
        </button>
      </div>
    </form>
  )
}

function RemoveRule({ rule, onMessage }: { rule: Rule; onMessage: (message: string) => void }) {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const remove = useMutation(
    trpc.incidents.ignoreRules.remove.mutationOptions({
      onSuccess: (result) => {
        onMessage(result.message)
        queryClient.invalidateQueries({ queryKey: trpc.incidents.ignoreRules.list.queryKey() })
      },
      onError: (error) => onMessage(error.message),
    }),
  )
  return (
    <ConfirmAction
      label="Remove"
      ariaLabel={`Remove rule ${rule.kind} ${rule.value}`}
      question={`Traffic matching ${rule.kind} ${rule.value} will open incidents again. Remove?`}
      confirmLabel="Confirm removal"
      pending={remove.isPending}
      onConfirm={(close) => remove.mutate({ id: rule.id }, { onSuccess: close })}
    />
  )
}

export default function IgnoreRulesPage() {
  const trpc = useTRPC()
  const isAdmin = useIsAdmin()
  const rules = useQuery(trpc.incidents.ignoreRules.list.queryOptions())
  const [message, setMessage] = useState<string | null>(null)
  return (
    <>
      <p>
        <Link href="/incidents">← Incidents</Link>
      </p>
      <h1>Ignore rules</h1>
      <p className="muted small">
        Traffic a rule matches opens no incident and sends no alert (it is still logged). Every change is
        recorded in the audit log.
      </p>
      {!isAdmin && (
        <p className="muted small" data-testid="read-only-note">
          Read-only: changing ignore rules needs the admin role.
        </p>
      )}
      {message && (
        <p className="small" role="status" data-testid="rules-message">
          {message}
        </p>
      )}
      {isAdmin && <AddRuleForm onMessage={setMessage} />}
      {rules.isError && <ErrorAlert error={rules.error} />}
      <table data-testid="rules-table" style={{ marginTop: 12 }}>
        <TableHead
          columns={[
            'Kind',
            'Value',
            'Note',
            'Added by',
            'Added (UTC)',
            isAdmin && { key: 'actions', label: <span className="sr-only">Actions</span> },
          ]}
        />
        <tbody>
          {(rules.data ?? []).map((rule) => (
            <tr key={rule.id} data-testid="rule-row" data-kind={rule.kind}>
              <td>{rule.kind}</td>
              <td className="mono nowrap">{rule.value}</td>
              <td className="small">{rule.note ? <SafeText value={rule.note} limit={120} /> : '—'}</td>
              <td>{rule.createdBy}</td>
              <TimeCell at={rule.createdAt} />
              {isAdmin && (
                <td>
                  <RemoveRule rule={rule} onMessage={setMessage} />
                </td>
              )}
            </tr>
          ))}
          {rules.isSuccess && rules.data.length === 0 && (
            <EmptyRow columns={isAdmin ? 6 : 5}>No ignore rules: every attack opens an incident.</EmptyRow>
          )}
        </tbody>
      </table>
    </>
  )
}
