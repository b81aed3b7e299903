import { ZChannel } from '@decnet/core'
import { z } from 'zod'
import { ZNoInput } from '../../no-input.ts'

export const ZListChannelsInput = ZNoInput
/** Every channel with its state; settings without secrets (viewers see a webhook URL's origin only). */
export const ZListChannelsOutput = z.array(ZChannel)
