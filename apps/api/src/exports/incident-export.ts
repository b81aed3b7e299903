// Incidents as rows (CSV/NDJSON) or as one STIX 2.1 bundle, streamed: incidents are read a page at a
// time; for STIX each incident's events are read (at most MAX_INCIDENT_EVENTS) only while its objects
// are written. The bundle's id is derived from its objects' ids and written last (JSON key order
// carries no meaning), so the bundle never has to be held whole.
import { type Incident, SEVERITIES, type Severity } from '@decnet/core'
import type { ApiServices } from '../context.ts'
import { maskTextForViewer } from '../logs/secret-mask.ts'
import type { ExportRequest } from './export-request.ts'
import { EXPORT_PAGE_ROWS, type ExportRecord, type ExportSource } from './sources.ts'
import { BundleIdHasher, DECNET_IDENTITY, DECNET_IDENTITY_ID, incidentObjects } from './stix.ts'
import { CHUNK_CHARS, tableChunks } from './stream.ts'

type IncidentsRequest = Extract<ExportRequest, { kind: 'incidents' }>

const INCIDENT_COLUMNS = [
  'id',
  'attackerIp',
  'decky',
  'deckies',
  'services',
  'severity',
  'reasons',
  'state',
  'firstSeen',
  'lastSeen',
  'eventCount',
  'acknowledgedBy',
  'acknowledgedAt',
  'resolvedAt',
  'note',
] as const

/** Severities at or above `min` (all when unset). */
function severitiesFrom(min: Severity | undefined): readonly Severity[] | undefined {
  return min ? SEVERITIES.slice(SEVERITIES.indexOf(min)) : undefined
}

async function* incidentPages(
  db: ApiServices['db'],
  request: IncidentsRequest,
  pageRows: number,
): AsyncGenerator<Incident[]> {
  const severities = severitiesFrom(request.minSeverity)
  let afterId: string | undefined
  for (;;) {
    const rows = await db.exports.incidentPage({
      ...(request.state ? { state: request.state } : {}),
      ...(severities ? { severities } : {}),
      afterId,
      limit: pageRows,
    })
    if (rows.length === 0) return
    yield rows
    if (rows.length < pageRows) return
    afterId = rows[rows.length - 1]?.id
  }
}

async function* incidentRecords(
  db: ApiServices['db'],
  request: IncidentsRequest,
  reveal: boolean,
  pageRows: number,
): AsyncGenerator<ExportRecord[]> {
  for await (const page of incidentPages(db, request, pageRows)) {
    // Reasons quote what happened (a command, a user name): masked for viewers like any attacker text.
    yield page.map((incident) =>
      reveal ? incident : { ...incident, reasons: incident.reasons.map(maskTextForViewer) },
    )
  }
}

/** The incident rows (CSV/NDJSON) as a table export. */
export function incidentTableSource(
  services: Pick<ApiServices, 'db'>,
  request: IncidentsRequest,
  reveal: boolean,
  pageRows = EXPORT_PAGE_ROWS,
): ExportSource {
  return { columns: INCIDENT_COLUMNS, pages: incidentRecords(services.db, request, reveal, pageRows) }
}

/**
 * The STIX bundle as text chunks. Observables (IPs, URLs, file hashes) are not secrets; indicator
 * descriptions carry the incident's reasons, masked for viewers.
 */
export async function* stixChunks(
  services: Pick<ApiServices, 'db'>,
  request: IncidentsRequest,
  reveal: boolean,
  pageRows = EXPORT_PAGE_ROWS,
): AsyncGenerator<string> {
  const hasher = new BundleIdHasher()
  // Observables seen in several incidents are written once: their ids are their content.
  const written = new Set<string>([DECNET_IDENTITY_ID])
  hasher.add(DECNET_IDENTITY_ID)
  let buffer = `{"type":"bundle","objects":[${JSON.stringify(DECNET_IDENTITY)}`
  for await (const page of incidentPages(services.db, request, pageRows)) {
    for (const stored of page) {
      const incident = reveal ? stored : { ...stored, reasons: stored.reasons.map(maskTextForViewer) }
      const events = await services.db.exports.incidentEvents(incident)
      for (const object of incidentObjects(incident, events)) {
        if (written.has(object.id)) continue
        written.add(object.id)
        hasher.add(object.id)
        buffer += `,${JSON.stringify(object)}`
      }
      if (buffer.length >= CHUNK_CHARS) {
        yield buffer
        buffer = ''
      }
    }
  }
  yield `${buffer}],"id":${JSON.stringify(hasher.digest())}}\n`
}

/** An incidents export in its format. */
export function incidentChunks(
  services: Pick<ApiServices, 'db'>,
  request: IncidentsRequest,
  reveal: boolean,
): AsyncIterable<string> {
  if (request.format === 'stix') return stixChunks(services, request, reveal)
  return tableChunks(request.format, incidentTableSource(services, request, reveal))
}
