import type { ReactNode } from 'react'
import { formatTime } from '@/lib/format.ts'

/** The one row of a table with nothing to show, across its `columns`, saying so. */
export function EmptyRow({ columns, children }: { columns: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={columns} className="muted">
        {children}
      </td>
    </tr>
  )
}

/** A timestamp cell, small and on one line. */
export function TimeCell({ at }: { at: string | null | undefined }) {
  return <td className="small nowrap">{formatTime(at)}</td>
}

/** When something was first and last seen, one above the other. */
export function SeenCell({ first, last }: { first: string; last: string }) {
  return (
    <td className="small nowrap">
      {formatTime(first)}
      <br />
      {formatTime(last)}
    </td>
  )
}
