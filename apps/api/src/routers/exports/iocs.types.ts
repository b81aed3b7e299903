import { ZExportTicket, ZIocsExportRequest } from '@decnet/core'

export const ZExportIocsInput = ZIocsExportRequest
export const ZExportIocsOutput = ZExportTicket
