'use client'

import { useMemo, useState } from 'react'

/** A list read page by page with opaque cursors: the stack of cursors seen walks back. */
export type CursorPages = {
  /** The cursor of the page shown (`undefined` on the first page). */
  cursor: string | undefined
  /** 1-based. */
  page: number
  hasPrevious: boolean
  previous(): void
  next(cursor: string): void
  /** Back to the first page (the filters changed). */
  reset(): void
}

export function useCursorPages(): CursorPages {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined])
  // Stable across renders (like a state setter), so effects may depend on them.
  const moves = useMemo(
    () => ({
      previous: () => setCursors((now) => (now.length > 1 ? now.slice(0, -1) : now)),
      next: (cursor: string) => setCursors((now) => [...now, cursor]),
      reset: () => setCursors([undefined]),
    }),
    [],
  )
  return {
    cursor: cursors[cursors.length - 1],
    page: cursors.length,
    hasPrevious: cursors.length > 1,
    ...moves,
  }
}

/** Previous / Next buttons over `pages`; Next is off when the server gave no next cursor. */
export function PagerButtons({
  pages,
  nextCursor,
  newestFirst = false,
  previousLabel = newestFirst ? 'Newer' : 'Previous',
  nextLabel = newestFirst ? 'Older' : 'Next',
  onNext,
}: {
  pages: CursorPages
  nextCursor: string | null | undefined
  /** A list newest first (logs, audit): its pages go back in time, labelled Newer and Older. */
  newestFirst?: boolean
  previousLabel?: string
  nextLabel?: string
  /** Runs before moving to the next page. */
  onNext?: () => void
}) {
  return (
    <>
      <button type="button" disabled={!pages.hasPrevious} onClick={pages.previous}>
        {previousLabel}
      </button>
      <button
        type="button"
        disabled={!nextCursor}
        onClick={() => {
          if (!nextCursor) return
          onNext?.()
          pages.next(nextCursor)
        }}
      >
        {nextLabel}
      </button>
    </>
  )
}
