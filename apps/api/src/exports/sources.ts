// The rows of each export kind, page by page from the database (keyset pages: one page in memory at
// a time), already in their output shape: captured secrets masked or left out unless the reader is
// an admin, by the same policy as every other output (logs/secret-mask.ts).
import { type LogRow, parseSearch } from '@decnet/db'
import type { ApiServices } from '../context.ts'
import { toLogOutput } from '../logs/log-output.ts'
import { maskTextForViewer } from '../logs/secret-mask.ts'
import type { ExportRequest } from './export-request.ts'

/**
 * Rows per database page. A stored event can reach ~32 KiB (16 KiB line + fields), so a page is at
 * most ~16 MiB of attacker data even when every row is that large; typical rows are ~0.5 KiB.
 */
export const EXPORT_PAGE_ROWS = 200

export type ExportRecord = Record<string, unknown>

/** A table to export: its columns (CSV header, NDJSON key order) and its rows, page by page. */
export type ExportSource = {
  columns: readonly string[]
  pages: AsyncIterable<ExportRecord[]>
}

type TableRequest = Exclude<ExportRequest, { kind: 'incidents' }>

const LOG_COLUMNS = [
  'id',
  'timestamp',
  'decky',
  'service',
  'eventType',
  'attackerIp',
  'attackerPort',
  'system',
  'fields',
  'message',
] as const

/** A log row as the Logs page shows it (secrets masked unless `reveal`), plus its system flag. */
function logRecord(row: LogRow, reveal: boolean): ExportRecord {
  const log = toLogOutput(row, reveal)
  // A literal, not a spread: see toLogOutput.
  return {
    id: log.id,
    timestamp: log.timestamp,
    decky: log.decky,
    service: log.service,
    eventType: log.eventType,
    attackerIp: log.attackerIp,
    attackerPort: log.attackerPort,
    system: row.system,
    fields: log.fields,
    message: log.message,
  }
}

async function* logPages(
  db: ApiServices['db'],
  request: Extract<ExportRequest, { kind: 'logs' }>,
  reveal: boolean,
  pageRows: number,
): AsyncGenerator<ExportRecord[]> {
  const now = new Date(request.now)
  const from = request.from ? new Date(request.from) : undefined
  const to = request.to ? new Date(request.to) : undefined
  let beforeId: number | undefined
  for (;;) {
    const rows = await db.exports.logPage({ q: request.q, from, to, now, beforeId, limit: pageRows })
    if (rows.length === 0) return
    yield rows.map((row) => logRecord(row, reveal))
    if (rows.length < pageRows) return
    beforeId = rows[rows.length - 1]?.id
  }
}

async function* attackerPages(
  db: ApiServices['db'],
  request: Extract<ExportRequest, { kind: 'attackers' }>,
  reveal: boolean,
  pageRows: number,
): AsyncGenerator<ExportRecord[]> {
  let afterId: string | undefined
  for (;;) {
    const rows = await db.exports.attackerPage({
      ...(request.q ? { q: request.q } : {}),
      ...(request.service ? { service: request.service } : {}),
      afterId,
      limit: pageRows,
    })
    if (rows.length === 0) return
    yield rows.map((attacker) => ({
      id: attacker.id,
      ip: attacker.ip,
      firstSeen: attacker.firstSeen.toISOString(),
      lastSeen: attacker.lastSeen.toISOString(),
      eventCount: attacker.eventCount,
      credentialCount: attacker.credentialCount,
      services: attacker.services,
      deckies: attacker.deckies,
      commands: reveal ? attacker.commands : attacker.commands.map(maskTextForViewer),
    }))
    if (rows.length < pageRows) return
    afterId = rows[rows.length - 1]?.id
  }
}

async function* credentialPages(
  db: ApiServices['db'],
  reveal: boolean,
  pageRows: number,
): AsyncGenerator<ExportRecord[]> {
  let afterId: number | undefined
  for (;;) {
    const rows = await db.exports.credentialPage({ afterId, limit: pageRows })
    if (rows.length === 0) return
    yield rows.map((credential) => ({
      id: credential.id,
      attackerIp: credential.attackerIp,
      decky: credential.decky,
      service: credential.service,
      kind: credential.kind,
      principal: credential.principal,
      // Viewers get who was tried, never with what.
      secret: reveal ? credential.secret : undefined,
      count: credential.count,
      firstSeen: credential.firstSeen.toISOString(),
      lastSeen: credential.lastSeen.toISOString(),
    }))
    if (rows.length < pageRows) return
    afterId = rows[rows.length - 1]?.id
  }
}

async function* iocPages(
  db: ApiServices['db'],
  request: Extract<ExportRequest, { kind: 'iocs' }>,
  reveal: boolean,
  pageRows: number,
): AsyncGenerator<ExportRecord[]> {
  let after: { kind: string; value: string } | undefined
  for (;;) {
    const rows = await db.intel.iocPage({ kind: request.iocKind, after, limit: pageRows })
    if (rows.length === 0) return
    yield rows.map((ioc) => ({
      kind: ioc.kind,
      // A URL's `user:pass@` is a captured secret: masked for viewers like everywhere else.
      value: reveal ? ioc.value : maskTextForViewer(ioc.value),
      attackers: ioc.attackers,
      hits: ioc.hits,
      firstSeen: ioc.firstSeen.toISOString(),
      lastSeen: ioc.lastSeen.toISOString(),
    }))
    if (rows.length < pageRows) return
    const last = rows[rows.length - 1]
    after = last && { kind: last.kind, value: last.value }
  }
}

const IOC_COLUMNS = ['kind', 'value', 'attackers', 'hits', 'firstSeen', 'lastSeen'] as const

const ATTACKER_COLUMNS = [
  'id',
  'ip',
  'firstSeen',
  'lastSeen',
  'eventCount',
  'credentialCount',
  'services',
  'deckies',
  'commands',
] as const

const CREDENTIAL_COLUMNS = [
  'id',
  'attackerIp',
  'decky',
  'service',
  'kind',
  'principal',
  'secret',
  'count',
  'firstSeen',
  'lastSeen',
] as const

/** Checks what can fail before a single byte is sent (a malformed query is a 400, not a cut file). */
export function assertExportable(request: ExportRequest): void {
  if (request.kind === 'logs') parseSearch(request.q ?? '', new Date(request.now))
}

/** The rows of a logs, attackers or credentials export as `reveal` (an admin) may read them. */
export function tableSource(
  services: Pick<ApiServices, 'db'>,
  request: TableRequest,
  reveal: boolean,
  pageRows = EXPORT_PAGE_ROWS,
): ExportSource {
  const { db } = services
  switch (request.kind) {
    case 'logs':
      return { columns: LOG_COLUMNS, pages: logPages(db, request, reveal, pageRows) }
    case 'attackers':
      return { columns: ATTACKER_COLUMNS, pages: attackerPages(db, request, reveal, pageRows) }
    case 'credentials':
      return {
        columns: reveal ? CREDENTIAL_COLUMNS : CREDENTIAL_COLUMNS.filter((column) => column !== 'secret'),
        pages: credentialPages(db, reveal, pageRows),
      }
    case 'iocs':
      return { columns: IOC_COLUMNS, pages: iocPages(db, request, reveal, pageRows) }
  }
}
