import { ZDeployRequest, ZDeployResponse } from '@decnet/core'
import { z } from 'zod'

export const ZDeployInput = ZDeployRequest
/** lifecycleIds cover exactly the deckies this INI submitted; replaceFleet's teardowns are listed apart. */
export const ZDeployOutput = ZDeployResponse.extend({ teardownIds: z.array(z.string()) })
