'use client'

import { serviceNameList, ZServiceSlug } from '@decnet/core/schemas'
import { useMutation } from '@tanstack/react-query'
import { useState } from 'react'
import { type RouterOutputs, useTRPC } from '@/trpc/client.ts'
import { Chips } from './chips.tsx'
import { DeckyChangeDialog, useChangeStarted } from './decky-change-dialog.tsx'
import { ErrorAlert } from './error-alert.tsx'

export type ServicesEdited = RouterOutputs['fleet']['editServices']

/**
 * Live service edit (fleet.editServices): services to add (catalogue slugs or `custom-<name>` with
 * their `[custom-<name>]` sections) and to remove. The server judges it by the deploy's rules; only
 * the changed services' containers are created or removed, so sessions to the others stay up.
 */
export function EditServicesDialog({
  name,
  running,
  onClose,
  onStarted,
}: {
  name: string
  /** Catalogue slugs and custom names the decky runs now. */
  running: readonly string[]
  onClose: () => void
  onStarted: (result: ServicesEdited) => void
}) {
  const trpc = useTRPC()
  const started = useChangeStarted(name, onStarted, onClose)
  const [add, setAdd] = useState('')
  const [remove, setRemove] = useState<string[]>([])
  const [customSections, setCustomSections] = useState('')
  const edit = useMutation(trpc.fleet.editServices.mutationOptions({ onSuccess: started }))
  const added = serviceNameList(add)
  const nothing = added.length === 0 && remove.length === 0
  return (
    <DeckyChangeDialog
      id="edit-services"
      verb="Edit services of"
      name={name}
      confirm="Apply"
      confirmDisabled={nothing || edit.isPending}
      onConfirm={() =>
        edit.mutate({ name, add: added, remove, ...(customSections.trim() ? { customSections } : {}) })
      }
      onClose={onClose}
    >
      <div className="stack">
        <div>
          <div className="muted small">Runs now</div>
          <Chips values={[...running]} />
        </div>
        <fieldset className="mutate-pick">
          <legend>Remove</legend>
          {running.map((service) => (
            <label key={service} className="mutate-option">
              <input
                type="checkbox"
                checked={remove.includes(service)}
                onChange={() =>
                  setRemove((now) =>
                    now.includes(service) ? now.filter((s) => s !== service) : [...now, service],
                  )
                }
              />
              {service}
            </label>
          ))}
        </fieldset>
        <label className="stack">
          <span>
            Add (comma-separated: {ZServiceSlug.options.slice(0, 4).join(', ')}, … or custom-&lt;name&gt;)
          </span>
          <input
            data-testid="edit-services-add"
            value={add}
            onChange={(event) => setAdd(event.target.value)}
            spellCheck={false}
          />
        </label>
        <label className="stack">
          <span>
            Custom service sections ([custom-&lt;name&gt;] with image, ports, command, env_&lt;name&gt;)
          </span>
          <textarea
            data-testid="edit-services-custom"
            className="mono"
            rows={5}
            value={customSections}
            onChange={(event) => setCustomSections(event.target.value)}
            spellCheck={false}
          />
        </label>
        <p className="small muted">
          Only the added and removed services' containers change; sessions to the others stay connected.
        </p>
      </div>
      {edit.isError && <ErrorAlert error={edit.error} testId="edit-services-error" />}
    </DeckyChangeDialog>
  )
}
