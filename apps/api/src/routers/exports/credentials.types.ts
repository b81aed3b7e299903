import { ZCredentialsExportRequest, ZExportTicket } from '@decnet/core'

export const ZExportCredentialsInput = ZCredentialsExportRequest
export const ZExportCredentialsOutput = ZExportTicket
