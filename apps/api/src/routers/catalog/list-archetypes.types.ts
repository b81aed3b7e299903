import { ZArchetype } from '@decnet/core'
import { z } from 'zod'
import { ZNoInput } from '../../no-input.ts'

export const ZListArchetypesInput = ZNoInput
export const ZListArchetypesOutput = z.array(ZArchetype)
