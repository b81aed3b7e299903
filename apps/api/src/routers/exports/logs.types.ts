import { ZExportTicket, ZLogsExportRequest } from '@decnet/core'

export const ZExportLogsInput = ZLogsExportRequest
export const ZExportLogsOutput = ZExportTicket
