import { ZHostId } from '@decnet/core'
import { z } from 'zod'
import { ZHostOutput } from '../../hosts/host-output.ts'

export const ZGetHostInput = z.object({ id: ZHostId }).strict()
export const ZGetHostOutput = ZHostOutput
