import { ZAttackersExportRequest, ZExportTicket } from '@decnet/core'

export const ZExportAttackersInput = ZAttackersExportRequest
export const ZExportAttackersOutput = ZExportTicket
