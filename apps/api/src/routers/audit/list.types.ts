import { ZAuditListRequest, ZAuditListResponse } from '@decnet/core'

export const ZListAuditInput = ZAuditListRequest
export const ZListAuditOutput = ZAuditListResponse
