import { ZHostId } from '@decnet/core'
import { z } from 'zod'
import { ZImagesStatus } from '../../images/images-view.ts'

/** With `hostId`, only that host's image and the rollouts that touched it. */
export const ZImagesStatusInput = z.object({ hostId: ZHostId.optional() }).strict()
export const ZImagesStatusOutput = ZImagesStatus
