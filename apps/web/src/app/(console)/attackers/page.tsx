'use client'

import { type AttackerSort as Sort, TABLE_EXPORT_FORMATS } from '@decnet/core/schemas'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import Link from 'next/link'
import { type FormEvent, useState } from 'react'
import { AttackerOriginCells } from '@/components/attacker-enrichment.tsx'
import { SafeBadges } from '@/components/chips.tsx'
import { PagerButtons, useCursorPages } from '@/components/cursor-pager.tsx'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { ExportButton } from '@/components/export-button.tsx'
import { IpAddress } from '@/components/ip-address.tsx'
import { SafeText } from '@/components/safe-text.tsx'
import { SelectOptions } from '@/components/select-options.tsx'
import { EmptyRow } from '@/components/table-cells.tsx'
import { TableHead } from '@/components/table-head.tsx'
import { attackerEventsHref } from '@/lib/log-links.ts'
import { useTRPC, useTRPCClient } from '@/trpc/client.ts'

const SORTS: Record<Sort, string> = {
  recent: 'Most recent',
  active: 'Most events',
  deckies: 'Most deckies touched',
}

export default function AttackersPage() {
  const trpc = useTRPC()
  const client = useTRPCClient()
  const [draftQ, setDraftQ] = useState('')
  const [draftService, setDraftService] = useState('')
  const [filters, setFilters] = useState({ q: '', service: '' })
  const [sort, setSort] = useState<Sort>('recent')
  const pages = useCursorPages()
  const cursor = pages.cursor
  const list = useQuery(
    trpc.attackers.list.queryOptions(
      {
        sort,
        limit: 50,
        ...(filters.q ? { q: filters.q } : {}),
        ...(filters.service ? { service: filters.service } : {}),
        ...(cursor ? { cursor } : {}),
      },
      { placeholderData: keepPreviousData },
    ),
  )
  const apply = (event: FormEvent) => {
    event.preventDefault()
    setFilters({ q: draftQ.trim(), service: draftService.trim() })
    pages.reset()
  }
  return (
    <>
      <h1>Attackers</h1>
      <form className="row" onSubmit={apply} style={{ marginBottom: 8 }}>
        <input
          type="search"
          aria-label="Search attackers"
          placeholder="IP, username, command…"
          value={draftQ}
          onChange={(e) => setDraftQ(e.target.value)}
          size={30}
          maxLength={512}
        />
        <input
          aria-label="Service filter"
          placeholder="service (ssh, http…)"
          value={draftService}
          onChange={(e) => setDraftService(e.target.value)}
          size={16}
          maxLength={64}
        />
        <button type="submit" className="primary">
          Filter
        </button>
        <label>
          Sort
          <select
            value={sort}
            onChange={(e) => {
              setSort(e.target.value as Sort)
              pages.reset()
            }}
          >
            <SelectOptions
              values={Object.keys(SORTS) as (keyof typeof SORTS)[]}
              label={(key) => SORTS[key]}
            />
          </select>
        </label>
        <span className="muted small">{list.data ? `${list.data.total} attackers` : ''}</span>
      </form>
      {list.isError && <ErrorAlert error={list.error} />}
      <table data-testid="attackers-table">
        <TableHead
          columns={[
            'IP',
            'Origin',
            'First seen',
            'Last seen',
            'Events',
            'Credentials',
            'Services',
            'Deckies',
          ]}
        />
        <tbody>
          {(list.data?.rows ?? []).map((a) => (
            <tr key={a.id} data-testid="attacker-row">
              <td className="mono">
                <Link href={`/attackers/${encodeURIComponent(a.id)}`}>
                  <IpAddress value={a.ip} />
                </Link>
              </td>
              <AttackerOriginCells attacker={a} />
              <td>
                <Link href={attackerEventsHref(a.ip)} title="All events of this attacker in Logs">
                  {a.eventCount}
                </Link>
              </td>
              <td>{a.credentialCount}</td>
              <td>
                <div className="chips">
                  {a.services.map((s) => (
                    <button
                      type="button"
                      key={s}
                      className="badge"
                      title={`Filter by ${s}`}
                      aria-label={`Filter by ${s}`}
                      onClick={() => {
                        setDraftService(s)
                        setFilters({ ...filters, service: s })
                        pages.reset()
                      }}
                    >
                      <SafeText value={s} limit={32} />
                    </button>
                  ))}
                </div>
              </td>
              <td>
                <div className="chips">
                  <SafeBadges values={a.deckies} limit={40} mono />
                </div>
              </td>
            </tr>
          ))}
          {list.isSuccess && list.data.rows.length === 0 && (
            <EmptyRow columns={8}>
              No attackers recorded{filters.q || filters.service ? ' for these filters' : ' yet'}.
            </EmptyRow>
          )}
        </tbody>
      </table>
      <div className="row" style={{ marginTop: 8 }}>
        <ExportButton
          label="Export these attackers"
          formats={TABLE_EXPORT_FORMATS}
          start={(format) =>
            client.exports.attackers.mutate({
              format,
              ...(filters.q ? { q: filters.q } : {}),
              ...(filters.service ? { service: filters.service } : {}),
            })
          }
        />
        <PagerButtons pages={pages} nextCursor={list.data?.nextCursor} />
      </div>
    </>
  )
}
