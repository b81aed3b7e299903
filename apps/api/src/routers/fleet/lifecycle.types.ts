import { ZLifecycleIds, ZLifecycleRows } from '@decnet/core'

export const ZLifecycleInput = ZLifecycleIds
export const ZLifecycleOutput = ZLifecycleRows
