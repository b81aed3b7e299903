import { ZServiceDefinition } from '@decnet/core'
import { z } from 'zod'
import { ZNoInput } from '../../no-input.ts'

export const ZListServicesInput = ZNoInput
export const ZListServicesOutput = z.array(ZServiceDefinition)
