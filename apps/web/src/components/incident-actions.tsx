'use client'

import type { Incident } from '@decnet/core/schemas'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTRPC } from '@/trpc/client.ts'
import { NoteDialog } from './note-dialog.tsx'

type Action = 'acknowledge' | 'resolve'

const LABEL: Record<Action, string> = { acknowledge: 'Acknowledge', resolve: 'Resolve' }

/**
 * Acknowledge / resolve buttons for admins, each asking for a note first. Only the transitions the
 * incident's state allows are offered (the API refuses the others with CONFLICT anyway).
 */
export function IncidentActions({
  incident,
  onDone,
}: {
  incident: Pick<Incident, 'id' | 'state' | 'note' | 'attackerIp'>
  onDone?: (message: string) => void
}) {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const [action, setAction] = useState<Action | null>(null)
  const settled = (verb: string) => (updated: Incident) => {
    setAction(null)
    queryClient.invalidateQueries({ queryKey: trpc.incidents.list.queryKey() })
    queryClient.invalidateQueries({ queryKey: trpc.incidents.get.queryKey({ id: updated.id }) })
    onDone?.(`${verb} the incident of ${updated.attackerIp}`)
  }
  const acknowledge = useMutation(
    trpc.incidents.acknowledge.mutationOptions({ onSuccess: settled('Acknowledged') }),
  )
  const resolve = useMutation(trpc.incidents.resolve.mutationOptions({ onSuccess: settled('Resolved') }))
  const current = action === 'acknowledge' ? acknowledge : resolve
  const offered: Action[] =
    incident.state === 'open'
      ? ['acknowledge', 'resolve']
      : incident.state === 'acknowledged'
        ? ['resolve']
        : []
  if (offered.length === 0) return null
  return (
    <>
      <span className="row nowrap">
        {offered.map((candidate) => (
          <button
            key={candidate}
            type="button"
            onClick={() => {
              acknowledge.reset()
              resolve.reset()
              setAction(candidate)
            }}
            aria-label={`${LABEL[candidate]} the incident of ${incident.attackerIp}`}
          >
            {LABEL[candidate]}
          </button>
        ))}
      </span>
      {action && (
        <NoteDialog
          title={
            <>
              {LABEL[action]} the incident of <span className="mono nowrap">{incident.attackerIp}</span>
            </>
          }
          confirmLabel={LABEL[action]}
          initialNote={incident.note ?? ''}
          pending={current.isPending}
          error={current.error}
          onConfirm={(note) => {
            const input = { id: incident.id, ...(note.trim() ? { note: note.trim() } : {}) }
            if (action === 'acknowledge') acknowledge.mutate(input)
            else resolve.mutate(input)
          }}
          onCancel={() => setAction(null)}
        />
      )}
    </>
  )
}
