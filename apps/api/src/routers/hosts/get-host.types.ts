import { z } from 'zod'
import { ZHostOutput } from '../../hosts/host-output.ts'

export const ZGetHostInput = z.object({ id: z.string().min(1).max(128) }).strict()
export const ZGetHostOutput = ZHostOutput
