import { ZReapReport } from '@decnet/core'
import { ZNoInput } from '../../no-input.ts'

export const ZReapOrphansInput = ZNoInput
export const ZReapOrphansOutput = ZReapReport
