// The audit log's page cursor: the (at, id) of a page's last entry, opaque to clients.
import type { AuditCursor } from '@decnet/db'
import { z } from 'zod'
import { AppError } from '../app-error.ts'

const ZCursor = z.object({ at: z.iso.datetime(), id: z.string().min(1).max(64) }).strict()

export function encodeAuditCursor(cursor: AuditCursor): string {
  return Buffer.from(JSON.stringify({ at: cursor.at.toISOString(), id: cursor.id })).toString('base64url')
}

export function decodeAuditCursor(raw: string): AuditCursor {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
  } catch {
    parsed = undefined
  }
  const cursor = ZCursor.safeParse(parsed)
  if (!cursor.success) throw new AppError('invalid_input', 'not a cursor of audit.list')
  return { at: new Date(cursor.data.at), id: cursor.data.id }
}
