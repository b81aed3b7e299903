'use client'

import { FILE_DROPS_PER_DECKY_MAX, FTP_ROOT, fileDropPathProblem } from '@decnet/core/schemas'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { formatTime } from '@/lib/format.ts'
import { operationCallbacks } from '@/lib/operation-callbacks.ts'
import { useTRPC } from '@/trpc/client.ts'

/**
 * An admin's bait files on this decky: what its shell shows (ls, cat, find) and, directly in the FTP
 * root, what its FTP server lists. Each change updates the decoys as a tracked repair.
 */
export function DeckyFileDrops({ name }: { name: string }) {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const drops = useQuery(trpc.fileDrops.list.queryOptions({ name }))
  const [path, setPath] = useState('')
  const [mode, setMode] = useState('644')
  const [owner, setOwner] = useState('root')
  const [content, setContent] = useState('')
  const [message, setMessage] = useState<string | null>(null)
  const refresh = () => {
    queryClient.invalidateQueries({ queryKey: trpc.fileDrops.list.queryKey({ name }) })
    queryClient.invalidateQueries({ queryKey: trpc.fleet.get.queryKey({ name }) })
  }
  const asOperation = (verb: string) => {
    const callbacks = operationCallbacks(verb, name, setMessage, refresh)
    return {
      ...callbacks,
      onSuccess: (result: { message: string; lifecycleId: string }) =>
        callbacks.onSuccess({ message: result.message, lifecycleIds: [result.lifecycleId] }),
    }
  }
  const add = useMutation(trpc.fileDrops.add.mutationOptions(asOperation('drop a file on')))
  const remove = useMutation(trpc.fileDrops.remove.mutationOptions(asOperation('remove a file from')))
  const pathProblem = path === '' ? undefined : fileDropPathProblem(path)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    add.mutate({ name, path, content, mode, owner })
  }

  return (
    <section className="panel" aria-labelledby="drops-heading" data-testid="decky-file-drops">
      <h2 id="drops-heading" style={{ marginTop: 0 }}>
        File drops
      </h2>
      <p className="muted small">
        Bait files in the decky's filesystem: its shell shows them, and files directly in{' '}
        <span className="mono">{FTP_ROOT}</span> are listed by its FTP server. At most{' '}
        {FILE_DROPS_PER_DECKY_MAX}, 64 KiB each.
      </p>
      {drops.isError && (
        <p className="alert" role="alert">
          {drops.error.message}
        </p>
      )}
      {drops.data && drops.data.length > 0 && (
        <table className="table small" data-testid="file-drop-list">
          <thead>
            <tr>
              <th>Path</th>
              <th>Mode</th>
              <th>Owner</th>
              <th>Size</th>
              <th>Dropped</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {drops.data.map((drop) => (
              <tr key={drop.path} data-testid="file-drop" data-path={drop.path}>
                <td className="mono">{drop.path}</td>
                <td className="mono">{drop.mode}</td>
                <td>{drop.owner}</td>
                <td>{drop.size} B</td>
                <td>{formatTime(drop.modifiedAt)}</td>
                <td>
                  <button
                    type="button"
                    className="link"
                    disabled={remove.isPending}
                    onClick={() => remove.mutate({ name, path: drop.path })}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {drops.data?.length === 0 && <p className="muted small">No files dropped.</p>}
      <form onSubmit={submit} className="stack" data-testid="file-drop-form">
        <label className="field">
          <span>Path</span>
          <input
            className="mono"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder="/root/passwords.txt"
            maxLength={255}
            required
            aria-invalid={pathProblem !== undefined}
          />
          {pathProblem && <small className="status-failed">The path {pathProblem}.</small>}
        </label>
        <div className="row">
          <label className="field">
            <span>Mode</span>
            <input className="mono" value={mode} onChange={(e) => setMode(e.target.value)} maxLength={4} />
          </label>
          <label className="field">
            <span>Owner</span>
            <input value={owner} onChange={(e) => setOwner(e.target.value)} maxLength={32} />
          </label>
        </div>
        <label className="field">
          <span>Content</span>
          <textarea className="mono" rows={5} value={content} onChange={(e) => setContent(e.target.value)} />
        </label>
        <button type="submit" disabled={add.isPending || pathProblem !== undefined || path === ''}>
          Drop file
        </button>
      </form>
      {message && (
        <p className="notice" role="status" data-testid="file-drop-message">
          {message}
        </p>
      )}
    </section>
  )
}
