import { z } from 'zod'
import { ZAttackerPathOutput } from '../../topology/lateral-movement.ts'

export const ZAttackerPathInput = z.object({ id: z.string().min(1).max(128) }).strict()
export const ZAttackerPathResponse = ZAttackerPathOutput
