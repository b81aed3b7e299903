// `GET /exports/<ticket>`: the download behind an exports.* procedure. The ticket is checked (ours,
// unexpired, unused: it is spent before the first byte), then its user and session (still there, not
// revoked, password changed); secrets follow the user's role now, not when the ticket was made. The
// file is streamed from the database page by page; a failure after the headers cuts the connection
// so a partial file can never pass for a whole one.

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ExportFormat, Role } from '@decnet/core'
import { activeTokenPrincipal, tokenIdOfPrincipal } from '../auth/api-tokens.ts'
import type { ApiServices } from '../context.ts'
import { onlyGet, refuse } from '../http-refusal.ts'
import { revealsSecrets } from '../logs/secret-mask.ts'
import type { ExportRequest } from './export-request.ts'
import { incidentChunks } from './incident-export.ts'
import { assertExportable, tableSource } from './sources.ts'
import { tableChunks, writeChunks } from './stream.ts'

export const EXPORTS_PATH = '/exports/'

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  ndjson: 'application/x-ndjson; charset=utf-8',
  stix: 'application/stix+json;version=2.1',
}
const EXTENSIONS: Record<ExportFormat, string> = { csv: 'csv', ndjson: 'ndjson', stix: 'stix.json' }

/** `decnet-logs-20261203T093000Z.csv`: only characters every filesystem and header accepts. */
export function exportFilename(request: ExportRequest, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
  return `decnet-${request.kind}-${stamp}.${EXTENSIONS[request.format]}`
}

/** The export's text chunks, as `reveal` (an admin) may read it. */
function chunksOf(services: ApiServices, request: ExportRequest, reveal: boolean): AsyncIterable<string> {
  if (request.kind === 'incidents') return incidentChunks(services, request, reveal)
  return tableChunks(request.format, tableSource(services, request, reveal))
}

export async function serveExport(
  services: ApiServices,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!onlyGet(req, res, 'downloads are GET requests')) return
  const path = (req.url ?? '').split('?')[0] ?? ''
  const ticket = decodeURIComponent(path.slice(EXPORTS_PATH.length))
  const claims = await services.exportTickets.verify(ticket)
  if (claims === 'expired') return refuse(res, 410, 'this download link has expired: export again')
  if (claims === 'invalid') return refuse(res, 404, 'no such download')
  const user = await ticketHolder(services, claims.userId, claims.issuedAtMs)
  const sessionGone = !user || (await services.db.tokens.isRevoked(claims.sessionJti))
  if (sessionGone) return refuse(res, 401, 'the session this download was made for has ended')
  if (user.mustChangePassword) return refuse(res, 403, 'change your one-time password first')
  const fresh = await services.db.tokens.consume({
    jti: claims.jti,
    userId: claims.userId,
    expiresAt: claims.expiresAt,
  })
  if (!fresh) return refuse(res, 410, 'this download link was already used: export again')
  const { request } = claims
  try {
    assertExportable(request)
  } catch (error) {
    return refuse(res, 400, error instanceof Error ? error.message : 'invalid export')
  }
  res.statusCode = 200
  res.setHeader('Content-Type', CONTENT_TYPES[request.format])
  res.setHeader('Content-Disposition', `attachment; filename="${exportFilename(request, new Date())}"`)
  try {
    const complete = await writeChunks(res, chunksOf(services, request, revealsSecrets(user)))
    if (complete) res.end()
  } catch (error) {
    console.error('decnet api: export failed mid-stream:', error)
    res.destroy()
  }
}

/**
 * Who a ticket was made for, as they are now: an integration's live API token, or the user unless a
 * bulk revocation (password change, role change) ended the session it was issued under. Null if gone.
 */
async function ticketHolder(
  services: Pick<ApiServices, 'db'>,
  principalId: string,
  issuedAtMs: number,
): Promise<{ role: Role; mustChangePassword: boolean } | null> {
  if (tokenIdOfPrincipal(principalId) !== undefined) return activeTokenPrincipal(services, principalId)
  const user = await services.db.users.findById(principalId)
  if (!user || (user.tokensValidFrom !== null && issuedAtMs < user.tokensValidFrom.getTime())) return null
  return user
}
