import { ZImageRollout, ZRolloutPacing } from '@decnet/core'

export const ZStartRollbackInput = ZRolloutPacing
export const ZStartRollbackOutput = ZImageRollout
