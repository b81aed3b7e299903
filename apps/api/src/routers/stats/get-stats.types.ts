import { ZStats } from '@decnet/core'
import { ZNoInput } from '../../no-input.ts'

export const ZGetStatsInput = ZNoInput
export const ZGetStatsOutput = ZStats
