// exports.*: what an operator downloads, in which format. A procedure validates the request and hands
// back a short-lived, single-use download URL; the API's HTTP server streams the file from it.
import { z } from 'zod'
import { IOC_KINDS } from '../intel/types.ts'

// The IOCs page's kind filter (core/intel's list, re-exported here so the console need not load the rules).
export { IOC_KINDS, type IocKind } from '../intel/types.ts'

import { ZIsoDate } from './common.ts'
import { ZIncidentState, ZSeverity } from './incidents.ts'
import { ZAttackerSort } from './logs.ts'

/** What can be exported. */
export const EXPORT_KINDS = ['logs', 'attackers', 'credentials', 'incidents', 'iocs'] as const
export const ZExportKind = z.enum(EXPORT_KINDS)
export type ExportKind = z.infer<typeof ZExportKind>

/** Row formats every kind has; incidents also come as a STIX 2.1 bundle. */
export const TABLE_EXPORT_FORMATS = ['csv', 'ndjson'] as const
export const EXPORT_FORMATS = [...TABLE_EXPORT_FORMATS, 'stix'] as const
export const ZTableExportFormat = z.enum(TABLE_EXPORT_FORMATS)
export const ZExportFormat = z.enum(EXPORT_FORMATS)
export type ExportFormat = z.infer<typeof ZExportFormat>

const ZQuery = z.string().max(512)

/** exports.logs: the Logs page's current search (query language and time range). */
export const ZLogsExportRequest = z
  .object({
    format: ZTableExportFormat,
    q: ZQuery.optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
export type LogsExportRequest = z.infer<typeof ZLogsExportRequest>

/** exports.attackers: the Attackers page's filter (IP prefix, service); rows come in id order. */
export const ZAttackersExportRequest = z
  .object({
    format: ZTableExportFormat,
    q: ZQuery.optional(),
    service: z.string().max(64).optional(),
    /** Accepted so a page can pass its list request as is; exports keep a stable id order. */
    sort: ZAttackerSort.optional(),
  })
  .strict()
export type AttackersExportRequest = z.infer<typeof ZAttackersExportRequest>

/** exports.credentials: every captured credential (secrets for admins only). */
export const ZCredentialsExportRequest = z.object({ format: ZTableExportFormat }).strict()
export type CredentialsExportRequest = z.infer<typeof ZCredentialsExportRequest>

/** exports.incidents: incidents, optionally by state and minimum severity, as rows or a STIX bundle. */
export const ZIncidentsExportRequest = z
  .object({
    format: ZExportFormat,
    state: ZIncidentState.optional(),
    minSeverity: ZSeverity.optional(),
  })
  .strict()
export type IncidentsExportRequest = z.infer<typeof ZIncidentsExportRequest>

/** exports.iocs: the fleet-wide indicators (optionally one kind), one row per indicator. */
export const ZIocsExportRequest = z
  .object({ format: ZTableExportFormat, kind: z.enum(IOC_KINDS).optional() })
  .strict()
export type IocsExportRequest = z.infer<typeof ZIocsExportRequest>

/** What every exports.* procedure answers: where to fetch the file, once, before it expires. */
export const ZExportTicket = z.object({
  /** Path on the API (and the console, which proxies it): `GET` it once. */
  url: z.string().startsWith('/exports/'),
  filename: z.string(),
  expiresAt: ZIsoDate,
  /** Captured secrets are left out of this file (the caller is not an admin). */
  secretsOmitted: z.boolean(),
})
export type ExportTicket = z.infer<typeof ZExportTicket>
