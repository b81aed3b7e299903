import { ZWorkerRow } from '@decnet/core'
import { z } from 'zod'
import { ZNoInput } from '../../no-input.ts'

export const ZListWorkersInput = ZNoInput
export const ZListWorkersOutput = z.array(ZWorkerRow).max(100)
