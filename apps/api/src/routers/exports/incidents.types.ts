import { ZExportTicket, ZIncidentsExportRequest } from '@decnet/core'

export const ZExportIncidentsInput = ZIncidentsExportRequest
export const ZExportIncidentsOutput = ZExportTicket
