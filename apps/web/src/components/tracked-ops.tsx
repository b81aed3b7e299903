'use client'

import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useMemo, useState } from 'react'
import { formatTime } from '@/lib/format.ts'
import {
  clearTrackedOps,
  onTrackedOpsChange,
  readTrackedOps,
  removeTrackedOp,
  type TrackedOp,
} from '@/lib/tracked-ops.ts'
import { useTRPC } from '@/trpc/client.ts'
import { LifecycleTable, useLifecycleWatch } from './lifecycle-progress.tsx'

/** Live progress of every operation this browser started, including deploys begun in the wizard. */
export function TrackedOpsPanel() {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const [ops, setOps] = useState<TrackedOp[]>([])
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
  return (
    <section aria-labelledby="ops-heading" className="panel" data-testid="tracked-ops">
      <div className="row spread">
        <h2 id="ops-heading" style={{ margin: 0 }}>
          Operations
        </h2>
        <button type="button" onClick={() => clearTrackedOps()}>
          Dismiss all
        </button>
      </div>
      {[...ops].reverse().map((op) => (
        <div key={op.key} className="stack" style={{ marginBottom: 12 }}>
          <div className="row spread">
            <span>
              <strong>{op.label}</strong> <span className="muted small">started {formatTime(op.at)}</span>
            </span>
            <button type="button" onClick={() => removeTrackedOp(op.key)} aria-label={`Dismiss ${op.label}`}>
              Dismiss
            </button>
          </div>
          <LifecycleTable ids={op.ids} watch={watch} testId={`op-${op.at}`} />
        </div>
      ))}
    </section>
  )
}
