// What every exports.* procedure does once its input is valid: check what can be checked before any
// byte is streamed (a malformed query), then hand out a single-use download ticket.
import type { ExportTicket } from '@decnet/core'
import type { ApiContext, Session } from '../context.ts'
import { assertSearchAllowed } from '../logs/search-rate-limit.ts'
import { revealsSecrets } from '../logs/secret-mask.ts'
import { EXPORTS_PATH, exportFilename } from './download.ts'
import type { ExportRequest } from './export-request.ts'
import { assertExportable } from './sources.ts'

export async function issueExport(
  ctx: ApiContext & { session: Session },
  request: ExportRequest,
  now = new Date(),
): Promise<ExportTicket> {
  // An export reads as much as many searches: it takes a slot of the same per-user budget.
  assertSearchAllowed(ctx)
  assertExportable(request)
  const { ticket, expiresAt } = await ctx.services.exportTickets.issue({
    userId: ctx.session.user.id,
    sessionJti: ctx.session.jti,
    request,
    now,
  })
  return {
    url: `${EXPORTS_PATH}${ticket}`,
    filename: exportFilename(request, now),
    expiresAt: expiresAt.toISOString(),
    // Viewers get captured secrets masked (log fields, commands) or left out (credential secrets).
    secretsOmitted: !revealsSecrets(ctx.session.user),
  }
}
