// Incidents as rows (CSV/NDJSON) or as one STIX 2.1 bundle, streamed: incidents are read a page at a
// time (most recently active first, as the Incidents page lists them); for STIX each incident's events are read (at most MAX_INCIDENT_EVENTS) only while its objects
// are written. The bundle's id is derived from its objects' ids and written last (JSON key order
// carries no meaning), so the bundle never has to be held whole.
import { type Incident, ZIncident } from '@decnet/core'
import type { IncidentRow } from '@decnet/db'
import type { ApiServices } from '../context.ts'
import { maskTextForViewer } from '../logs/secret-mask.ts'
import type { ExportRequest } from './export-request.ts'
import type { ExportRecord, ExportSource } from './sources.ts'
import { BundleIdHasher, DECNET_IDENTITY, DECNET_IDENTITY_ID, incidentObjects } from './stix.ts'
import { CHUNK_CHARS, tableChunks } from './stream.ts'

type IncidentsRequest = Extract<ExportRequest, { kind: 'incidents' }>

/** The columns are the wire shape's fields, in its order. */
const INCIDENT_COLUMNS = ZIncident.keyof().options

/** Incidents per page read (the incidents list's own largest page). */
const INCIDENT_PAGE_ROWS = 500

/** core's Incident (the wire shape) of a stored incident. */
function toIncident(row: IncidentRow): Incident {
  return {
    id: row.id,
    attackerIp: row.attackerIp,
    decky: row.decky,
    deckies: row.deckies,
    services: row.services,
    severity: row.severity,
    reasons: row.reasons,
    state: row.state,
    firstSeen: row.firstSeen.toISOString(),
    lastSeen: row.lastSeen.toISOString(),
    eventCount: row.eventCount,
    acknowledgedBy: row.acknowledgedBy,
    acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    note: row.note,
  }
}

/** The incidents the request selects, most recently active first, a keyset page at a time. */
async function* incidentPages(
  db: ApiServices['db'],
  request: IncidentsRequest,
): AsyncGenerator<IncidentRow[]> {
  let cursor: string | undefined
  do {
    const page = await db.incidents.list({
      ...(request.state ? { states: [request.state] } : {}),
      ...(request.minSeverity ? { minSeverity: request.minSeverity } : {}),
      limit: INCIDENT_PAGE_ROWS,
      ...(cursor ? { cursor } : {}),
    })
    if (page.rows.length > 0) yield page.rows
    cursor = page.nextCursor
  } while (cursor)
}

async function* incidentRecords(
  db: ApiServices['db'],
  request: IncidentsRequest,
  reveal: boolean,
): AsyncGenerator<ExportRecord[]> {
  for await (const page of incidentPages(db, request))
    yield page.map((row) => viewOf(toIncident(row), reveal))
}

/** Reasons quote what happened (a command, a user name): masked for viewers like any attacker text. */
function viewOf(incident: Incident, reveal: boolean): Incident {
  if (!reveal) incident.reasons = incident.reasons.map(maskTextForViewer)
  return incident
}

/** The incident rows (CSV/NDJSON) as a table export. */
export function incidentTableSource(
  services: Pick<ApiServices, 'db'>,
  request: IncidentsRequest,
  reveal: boolean,
): ExportSource {
  return { columns: INCIDENT_COLUMNS, pages: incidentRecords(services.db, request, reveal) }
}

/**
 * The STIX bundle as text chunks. Observables (IPs, URLs, file hashes) are not secrets; indicator
 * descriptions carry the incident's reasons, masked for viewers.
 */
export async function* stixChunks(
  services: Pick<ApiServices, 'db'>,
  request: IncidentsRequest,
  reveal: boolean,
): AsyncGenerator<string> {
  const hasher = new BundleIdHasher()
  // Observables seen in several incidents are written once: their ids are their content.
  const written = new Set<string>([DECNET_IDENTITY_ID])
  hasher.add(DECNET_IDENTITY_ID)
  let buffer = `{"type":"bundle","objects":[${JSON.stringify(DECNET_IDENTITY)}`
  for await (const page of incidentPages(services.db, request)) {
    for (const row of page) {
      const events = await services.db.exports.incidentEvents(row)
      for (const object of incidentObjects(viewOf(toIncident(row), reveal), events)) {
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
