'use client'

import '@/styles/operations.css'
import { isTerminalStatus } from '@decnet/core/schemas'
import { useQueryClient } from '@tanstack/react-query'
import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from 'react'
import { formatTime } from '@/lib/format.ts'
import {
  clearTrackedOps,
  onTrackedOpsChange,
  readTrackedOps,
  removeTrackedOp,
  type TrackedOp,
} from '@/lib/tracked-ops.ts'
import { useTRPC } from '@/trpc/client.ts'
import { LifecycleTable, type LifecycleWatch, useLifecycleWatch } from './lifecycle-progress.tsx'

export type OpCounts = { inProgress: number; succeeded: number; failed: number }

/** Status counts over every tracked lifecycle id (an id not heard of yet is in progress). */
export function countOps(ids: readonly string[], watch: Pick<LifecycleWatch, 'rows'>): OpCounts {
  const counts: OpCounts = { inProgress: 0, succeeded: 0, failed: 0 }
  for (const id of ids) {
    const status = watch.rows.get(id)?.status
    if (status === 'succeeded') counts.succeeded++
    else if (status === 'failed') counts.failed++
    else if (status === undefined || !isTerminalStatus(status)) counts.inProgress++
  }
  return counts
}

/**
 * Live progress of every operation this browser started, including deploys begun in the wizard: a
 * one-line tray with the counts that expands to the rows. Collapsed, the rows stay mounted (hidden),
 * so the subscription and the counts keep following every operation.
 */
export function TrackedOpsPanel() {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const [ops, setOps] = useState<TrackedOp[]>([])
  const [open, setOpen] = useState(false)
  const toggle = useRef<HTMLButtonElement>(null)
  const bodyId = useId()
  useEffect(() => {
    setOps(readTrackedOps())
    return onTrackedOpsChange(() => setOps(readTrackedOps()))
  }, [])
  // One subscription for every tracked operation: a browser holds few connections per origin.
  const allIds = useMemo(() => [...new Set(ops.flatMap((op) => op.ids))].slice(-200), [ops])
  const watch = useLifecycleWatch(allIds, () =>
    queryClient.invalidateQueries({ queryKey: trpc.fleet.list.queryKey() }),
  )
  if (ops.length === 0) return null
  const counts = countOps(allIds, watch)
  const collapseOnEscape = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || !open) return
    setOpen(false)
    toggle.current?.focus()
  }
  return (
    <section
      aria-label="Operations"
      className="ops-tray"
      data-testid="tracked-ops"
      data-expanded={open ? 'true' : 'false'}
      onKeyDown={collapseOnEscape}
    >
      <div className="ops-tray-bar">
        <button
          ref={toggle}
          type="button"
          className="ops-tray-toggle"
          aria-expanded={open}
          aria-controls={bodyId}
          onClick={() => setOpen(!open)}
          data-testid="ops-toggle"
        >
          <span className="ops-tray-chevron" aria-hidden="true">
            {open ? '▾' : '▸'}
          </span>
          <strong>Operations</strong>
          <span className="ops-tray-counts" data-testid="ops-summary" aria-live="polite">
            {ops.length} {ops.length === 1 ? 'operation' : 'operations'}:{' '}
            <span data-testid="ops-in-progress">{counts.inProgress} in progress</span> ·{' '}
            <span
              className={counts.succeeded > 0 ? 'status-succeeded' : undefined}
              data-testid="ops-succeeded"
            >
              {counts.succeeded} succeeded
            </span>{' '}
            ·{' '}
            <span className={counts.failed > 0 ? 'status-failed' : undefined} data-testid="ops-failed">
              {counts.failed} failed
            </span>
          </span>
        </button>
        <button type="button" className="small" onClick={() => clearTrackedOps()}>
          Dismiss all
        </button>
      </div>
      <div id={bodyId} className="ops-tray-body" hidden={!open} data-testid="ops-body">
        {[...ops].reverse().map((op) => (
          <div key={op.key} className="ops-tray-op">
            <div className="row spread">
              <span>
                <strong>{op.label}</strong> <span className="muted small">started {formatTime(op.at)}</span>
              </span>
              <button
                type="button"
                className="small"
                onClick={() => removeTrackedOp(op.key)}
                aria-label={`Dismiss ${op.label}`}
              >
                Dismiss
              </button>
            </div>
            <LifecycleTable ids={op.ids} watch={watch} testId={`op-${op.at}`} />
          </div>
        ))}
      </div>
    </section>
  )
}
