'use client'

import { keepPreviousData, useQuery } from '@tanstack/react-query'
import Link from 'next/link'
import { useState } from 'react'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { SafeCell } from '@/components/safe-text.tsx'
import { EmptyRow, TimeCell } from '@/components/table-cells.tsx'
import { TableHead } from '@/components/table-head.tsx'
import { useTRPC } from '@/trpc/client.ts'

const PAGE = 50

/**
 * What attackers fetched or sent (downloads by the sandboxed fetcher, uploads, messages), kept by
 * SHA-256. Everyone sees the metadata and where each was seen; admins download the bytes, always as
 * a file (the API serves them as an attachment, never for the browser to render).
 */
export default function ArtifactsPage() {
  const trpc = useTRPC()
  const [pages, setPages] = useState<(string | undefined)[]>([undefined])
  const before = pages[pages.length - 1]
  const [selected, setSelected] = useState<string | undefined>()
  const list = useQuery(
    trpc.artifacts.list.queryOptions(
      { limit: PAGE, ...(before ? { before } : {}) },
      { placeholderData: keepPreviousData, refetchInterval: 5_000 },
    ),
  )
  const detail = useQuery({
    ...trpc.artifacts.get.queryOptions({ sha256: selected ?? '' }),
    enabled: selected !== undefined,
  })
  return (
    <>
      <h1>Artifacts</h1>
      {list.isError && <ErrorAlert error={list.error} />}
      <table data-testid="artifacts-table">
        <TableHead columns={['SHA-256', 'Size', 'Sightings', 'First seen', 'Last seen']} />
        <tbody>
          {(list.data?.rows ?? []).map((artifact) => (
            <tr key={artifact.sha256} data-testid="artifact-row">
              <td className="mono small">
                <button type="button" className="link" onClick={() => setSelected(artifact.sha256)}>
                  {artifact.sha256}
                </button>
              </td>
              <td className="nowrap">
                {artifact.size} B{artifact.truncated ? ' (truncated)' : ''}
              </td>
              <td>{artifact.sightings}</td>
              <TimeCell at={artifact.firstSeen} />
              <TimeCell at={artifact.lastSeen} />
            </tr>
          ))}
          {list.isSuccess && list.data.rows.length === 0 && (
            <EmptyRow columns={5}>No artifacts kept yet.</EmptyRow>
          )}
        </tbody>
      </table>
      <div className="row" style={{ marginTop: 8 }}>
        <button type="button" disabled={pages.length <= 1} onClick={() => setPages(pages.slice(0, -1))}>
          Previous
        </button>
        <button
          type="button"
          disabled={!list.data?.nextBefore}
          onClick={() => list.data?.nextBefore && setPages([...pages, list.data.nextBefore])}
        >
          Next
        </button>
      </div>
      {detail.isError && <ErrorAlert error={detail.error} />}
      {detail.data && (
        <section data-testid="artifact-detail" style={{ marginTop: 16 }}>
          <h2 className="mono small">{detail.data.artifact.sha256}</h2>
          <p className="row">
            <span>
              {detail.data.artifact.size} bytes kept
              {detail.data.artifact.truncated ? ', cut at the size cap' : ''}
            </span>
            <Link href={`/logs?q=${encodeURIComponent(`sha256:${detail.data.artifact.sha256}`)}`}>
              Its events
            </Link>
            {detail.data.downloadPath ? (
              <a href={detail.data.downloadPath} download data-testid="artifact-download">
                Download (attacker content: handle with care)
              </a>
            ) : (
              <span className="muted small">Only admins download artifacts.</span>
            )}
          </p>
          <table data-testid="artifact-sightings">
            <TableHead columns={['Seen', 'Decky', 'Source', 'Name / URL', 'Attacker']} />
            <tbody>
              {detail.data.seen.map((sighting) => (
                <tr key={sighting.id}>
                  <TimeCell at={sighting.seenAt} />
                  <SafeCell value={sighting.decky} limit={64} />
                  <SafeCell className="small" value={sighting.source} limit={20} />
                  <SafeCell className="mono small" value={sighting.name} limit={240} />
                  <SafeCell className="mono small" value={sighting.attackerIp ?? ''} limit={64} />
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  )
}
