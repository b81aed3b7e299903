// What a download link stands for: one export kind, its format and its filter, as the exports.*
// procedure validated it. Carried inside the signed ticket and parsed again when the link is used.
import {
  ZAttackersExportRequest,
  ZCredentialsExportRequest,
  ZIncidentsExportRequest,
  ZIocsExportRequest,
  ZLogsExportRequest,
} from '@decnet/core'
import { z } from 'zod'

export const ZExportRequest = z.discriminatedUnion('kind', [
  ZLogsExportRequest.extend({
    kind: z.literal('logs'),
    /** When the request was made: relative ranges (`last:15m`) mean what the operator saw. */
    now: z.iso.datetime(),
  }),
  ZAttackersExportRequest.extend({ kind: z.literal('attackers') }),
  ZCredentialsExportRequest.extend({ kind: z.literal('credentials') }),
  ZIncidentsExportRequest.extend({ kind: z.literal('incidents') }),
  // `kind` is the export kind here: the indicator kind filter travels as `iocKind`.
  ZIocsExportRequest.omit({ kind: true }).extend({
    kind: z.literal('iocs'),
    iocKind: ZIocsExportRequest.shape.kind,
  }),
])
export type ExportRequest = z.infer<typeof ZExportRequest>
