'use client'

import { IOC_KINDS, type IocKind, TABLE_EXPORT_FORMATS } from '@decnet/core/schemas'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { PagerButtons, useCursorPages } from '@/components/cursor-pager.tsx'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { ExportButton } from '@/components/export-button.tsx'
import { SafeCell } from '@/components/safe-text.tsx'
import { SelectOptions } from '@/components/select-options.tsx'
import { EmptyRow, TimeCell } from '@/components/table-cells.tsx'
import { TableHead } from '@/components/table-head.tsx'
import { useTRPC, useTRPCClient } from '@/trpc/client.ts'

const PAGE = 50

/** Indicators of compromise across the fleet, one row per value, most attackers first. */
export default function IocsPage() {
  const trpc = useTRPC()
  const client = useTRPCClient()
  const [kind, setKind] = useState<IocKind | ''>('')
  const [draftQ, setDraftQ] = useState('')
  const [q, setQ] = useState('')
  const pages = useCursorPages()
  const cursor = pages.cursor
  const list = useQuery(
    trpc.intel.iocs.queryOptions(
      { limit: PAGE, ...(kind ? { kind } : {}), ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) },
      { placeholderData: keepPreviousData },
    ),
  )
  const apply = (event: FormEvent) => {
    event.preventDefault()
    setQ(draftQ.trim())
    pages.reset()
  }
  return (
    <>
      <h1>Indicators (IOCs)</h1>
      <form className="row" onSubmit={apply} style={{ marginBottom: 8 }}>
        <label>
          Kind
          <select
            value={kind}
            data-testid="ioc-kind"
            onChange={(e) => {
              setKind(e.target.value as IocKind | '')
              pages.reset()
            }}
          >
            <option value="">all</option>
            <SelectOptions values={IOC_KINDS} />
          </select>
        </label>
        <input
          type="search"
          aria-label="Search indicators"
          placeholder="part of the value"
          value={draftQ}
          onChange={(e) => setDraftQ(e.target.value)}
          size={30}
          maxLength={256}
        />
        <button type="submit" className="primary">
          Filter
        </button>
        <span className="muted small">{list.data ? `${list.data.total} indicators` : ''}</span>
      </form>
      {list.isError && <ErrorAlert error={list.error} />}
      <table data-testid="iocs-table">
        <TableHead columns={['Kind', 'Value', 'Attackers', 'Sightings', 'First seen', 'Last seen']} />
        <tbody>
          {(list.data?.rows ?? []).map((ioc) => (
            <tr key={`${ioc.kind}|${ioc.value}`} data-testid="ioc-row">
              <SafeCell className="small" value={ioc.kind} limit={20} />
              <SafeCell className="mono small" value={ioc.value} limit={240} />
              <td>{ioc.attackers}</td>
              <td>{ioc.hits}</td>
              <TimeCell at={ioc.firstSeen} />
              <TimeCell at={ioc.lastSeen} />
            </tr>
          ))}
          {list.isSuccess && list.data.rows.length === 0 && (
            <EmptyRow columns={6}>
              No indicators{kind || q ? ' for these filters' : ' extracted yet'}.
            </EmptyRow>
          )}
        </tbody>
      </table>
      <div className="row" style={{ marginTop: 8 }}>
        <ExportButton
          label="Export indicators"
          formats={TABLE_EXPORT_FORMATS}
          start={(format) => client.exports.iocs.mutate({ format, ...(kind ? { kind } : {}) })}
        />
        <PagerButtons pages={pages} nextCursor={list.data?.nextCursor} />
      </div>
    </>
  )
}
