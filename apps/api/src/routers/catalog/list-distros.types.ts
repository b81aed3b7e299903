import { ZDistro } from '@decnet/core'
import { z } from 'zod'
import { ZNoInput } from '../../no-input.ts'

export const ZListDistrosInput = ZNoInput
export const ZListDistrosOutput = z.array(ZDistro)
