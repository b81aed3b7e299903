import { z } from 'zod'
import { ZApiToken } from './api-token-output.ts'

export const ZRevokeApiTokenInput = z.object({ id: z.string().min(1).max(64) })
export const ZRevokeApiTokenOutput = ZApiToken
