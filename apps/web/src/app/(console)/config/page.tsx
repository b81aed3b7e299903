'use client'

import { INTERVAL_PATTERN } from '@decnet/core/schemas'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, type ReactNode, useState } from 'react'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { useIsAdmin, useMe } from '@/components/session.tsx'
import { TimeCell } from '@/components/table-cells.tsx'
import { TableHead } from '@/components/table-head.tsx'
import { TextField } from '@/components/text-field.tsx'
import { errorMessage } from '@/lib/errors.ts'
import { type RouterOutputs, useTRPC } from '@/trpc/client.ts'

type User = RouterOutputs['users']['list'][number]

function Result({ error, message }: { error: unknown; message: string | null }) {
  if (error) {
    return <ErrorAlert error={error} />
  }
  if (message) {
    return (
      <p className="success" role="status">
        {message}
      </p>
    )
  }
  return null
}

/** One setting's form: its field, and a save button for those who may change it. */
function SettingForm({
  saveLabel,
  canSave,
  saving,
  onSave,
  children,
}: {
  saveLabel: string
  canSave: boolean
  saving: boolean
  onSave: () => void
  children: ReactNode
}) {
  return (
    <form
      onSubmit={(e: FormEvent) => {
        e.preventDefault()
        onSave()
      }}
    >
      {children}
      {canSave && (
        <button type="submit" disabled={saving}>
          {saveLabel}
        </button>
      )}
    </form>
  )
}

/**
 * A field shown from the server's value: a refetch (after saving another field) updates it only
 * while it holds no edit of the operator's, so nothing typed is lost.
 */
function useServerField(serverValue: string | undefined): [string, (text: string) => void] {
  const [text, setText] = useState(serverValue ?? '')
  const [shown, setShown] = useState(serverValue)
  if (serverValue !== shown) {
    // Adjusting state while rendering: React re-renders at once, before anything is painted.
    setShown(serverValue)
    if (text === (shown ?? '')) setText(serverValue ?? '')
  }
  return [text, setText]
}

function Settings() {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const isAdmin = useIsAdmin()
  const config = useQuery(trpc.config.get.queryOptions())
  const [limit, setLimit] = useServerField(config.data ? String(config.data.deploymentLimit) : undefined)
  const [interval, setIntervalText] = useServerField(
    config.data ? (config.data.globalMutationInterval ?? '') : undefined,
  )
  const [message, setMessage] = useState<string | null>(null)
  const done = (result: { message: string }) => {
    setMessage(result.message)
    queryClient.invalidateQueries({ queryKey: trpc.config.get.queryKey() })
  }
  const setLimitM = useMutation(trpc.config.setDeploymentLimit.mutationOptions({ onSuccess: done }))
  const setIntervalM = useMutation(trpc.config.setGlobalMutationInterval.mutationOptions({ onSuccess: done }))
  if (!config.data) return <p className="muted">Loading…</p>
  const readOnly = !isAdmin
  return (
    <section className="panel" aria-labelledby="settings-heading">
      <h2 id="settings-heading" style={{ marginTop: 0 }}>
        Deployment settings
      </h2>
      {readOnly && (
        <p className="muted small" data-testid="read-only-note">
          Read-only: changing settings needs the admin role.
        </p>
      )}
      <div className="grid-2">
        <SettingForm
          saveLabel="Save limit"
          canSave={isAdmin}
          saving={setLimitM.isPending}
          onSave={() => {
            setMessage(null)
            setLimitM.mutate({ deploymentLimit: Number(limit) })
          }}
        >
          <TextField
            label="Deployment limit (deckies, 1–500)"
            type="number"
            min={1}
            max={500}
            required
            value={limit}
            readOnly={readOnly}
            onValue={setLimit}
            data-testid="deployment-limit"
          />
        </SettingForm>
        <SettingForm
          saveLabel="Save interval"
          canSave={isAdmin}
          saving={setIntervalM.isPending}
          onSave={() => {
            setMessage(null)
            setIntervalM.mutate({ interval: interval.trim() === '' ? null : interval.trim() })
          }}
        >
          <TextField
            label="Global mutation interval"
            help="Used by deckies without their own interval. Empty = off."
            value={interval}
            readOnly={readOnly}
            placeholder="off"
            pattern={INTERVAL_PATTERN}
            title="An interval like 30m, 2h, 1d, 1w; empty switches automatic mutation off"
            onValue={setIntervalText}
            data-testid="global-interval"
          />
        </SettingForm>
      </div>
      <dl className="kv small" style={{ marginTop: 10 }}>
        <dt>Engine</dt>
        <dd>{config.data.engine}</dd>
        <dt>Developer mode</dt>
        <dd>{config.data.developerMode ? 'on' : 'off'}</dd>
      </dl>
      <Result error={setLimitM.error ?? setIntervalM.error} message={message} />
    </section>
  )
}

function UserRow({ user, self, onMessage }: { user: User; self: boolean; onMessage: (m: string) => void }) {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const [role, setRole] = useState(user.role)
  const [resetting, setResetting] = useState(false)
  const [newPassword, setNewPassword] = useState('')
  const [confirmDelete, setConfirmDelete] = useState(false)
  const refresh = (result: { message: string }) => {
    onMessage(result.message)
    queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() })
  }
  const setRoleM = useMutation(trpc.users.setRole.mutationOptions({ onSuccess: refresh }))
  const resetM = useMutation(
    trpc.users.resetPassword.mutationOptions({
      onSuccess: (r) => {
        setResetting(false)
        setNewPassword('')
        refresh(r)
      },
    }),
  )
  const deleteM = useMutation(trpc.users.delete.mutationOptions({ onSuccess: refresh }))
  const error = setRoleM.error ?? resetM.error ?? deleteM.error
  return (
    <tr data-testid={`user-${user.username}`}>
      <td className="mono">
        {user.username} {self && <span className="badge">you</span>}
      </td>
      <td>
        <span className="row">
          <select
            aria-label={`Role of ${user.username}`}
            value={role}
            disabled={self}
            onChange={(e) => setRole(e.target.value as User['role'])}
          >
            <option value="admin">admin</option>
            <option value="viewer">viewer</option>
          </select>
          {role !== user.role && (
            <button type="button" onClick={() => setRoleM.mutate({ id: user.id, role })}>
              Apply
            </button>
          )}
        </span>
      </td>
      <td>{user.mustChangePassword ? <span className="badge warn">must change password</span> : ''}</td>
      <TimeCell at={user.createdAt} />
      <td>
        {resetting ? (
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault()
              resetM.mutate({ id: user.id, newPassword })
            }}
          >
            <input
              type="password"
              aria-label={`New password for ${user.username}`}
              minLength={12}
              required
              autoComplete="new-password"
              value={newPassword}
              onChange={(e) => setNewPassword(e.target.value)}
            />
            <button type="submit">Set</button>
            <button type="button" onClick={() => setResetting(false)}>
              Cancel
            </button>
          </form>
        ) : confirmDelete ? (
          <span className="row">
            <span className="small">Delete {user.username}?</span>
            <button type="button" className="danger primary" onClick={() => deleteM.mutate({ id: user.id })}>
              Confirm delete
            </button>
            <button type="button" onClick={() => setConfirmDelete(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <span className="row">
            <button type="button" onClick={() => setResetting(true)} disabled={self}>
              Reset password
            </button>
            <button type="button" className="danger" onClick={() => setConfirmDelete(true)} disabled={self}>
              Delete
            </button>
          </span>
        )}
        {error && (
          <div role="alert" className="status-failed small">
            {errorMessage(error)}
          </div>
        )}
      </td>
    </tr>
  )
}

function Users() {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const me = useMe()
  const users = useQuery(trpc.users.list.queryOptions())
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [role, setRole] = useState<User['role']>('viewer')
  const [message, setMessage] = useState<string | null>(null)
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: (user) => {
        setMessage(`user ${user.username} created; they must change the password at first sign-in`)
        setUsername('')
        setPassword('')
        queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() })
      },
    }),
  )
  return (
    <section className="panel" aria-labelledby="users-heading">
      <h2 id="users-heading" style={{ marginTop: 0 }}>
        Users
      </h2>
      <table>
        <TableHead columns={['Username', 'Role', 'Status', 'Created', 'Actions']} />
        <tbody>
          {(users.data ?? []).map((user) => (
            <UserRow key={user.id} user={user} self={user.id === me.id} onMessage={setMessage} />
          ))}
        </tbody>
      </table>
      <form
        className="row"
        style={{ marginTop: 10, alignItems: 'flex-end' }}
        onSubmit={(e) => {
          e.preventDefault()
          setMessage(null)
          create.mutate({ username, password, role })
        }}
        aria-label="Add a user"
      >
        <TextField
          label="Username"
          required
          pattern="[A-Za-z0-9_.\-]{1,64}"
          value={username}
          onValue={setUsername}
          autoComplete="off"
        />
        <TextField
          label="One-time password (≥ 12)"
          type="password"
          required
          minLength={12}
          value={password}
          onValue={setPassword}
          autoComplete="new-password"
        />
        <label className="field">
          <span>Role</span>
          <select value={role} onChange={(e) => setRole(e.target.value as User['role'])}>
            <option value="viewer">viewer</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <button type="submit" className="primary" disabled={create.isPending} style={{ marginBottom: 10 }}>
          Add user
        </button>
      </form>
      <Result error={create.error ?? users.error} message={message} />
    </section>
  )
}

export default function ConfigPage() {
  const isAdmin = useIsAdmin()
  return (
    <>
      <h1>Config</h1>
      <Settings />
      {isAdmin ? (
        <Users />
      ) : (
        <p className="muted" data-testid="users-admin-only">
          User management is available to admins.
        </p>
      )}
    </>
  )
}
