import { ZPublicUser } from '@decnet/core'
import { z } from 'zod'
import { ZNoInput } from '../../no-input.ts'

export const ZListUsersInput = ZNoInput
export const ZListUsersOutput = z.array(ZPublicUser)
