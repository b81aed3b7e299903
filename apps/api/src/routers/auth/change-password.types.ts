import { ZChangePasswordRequest, ZIsoDate, ZMessage } from '@decnet/core'
import { z } from 'zod'

export const ZChangePasswordInput = ZChangePasswordRequest
/** The caller's other sessions end; it gets a fresh token (also as the cookie) to carry on. */
export const ZChangePasswordOutput = ZMessage.extend({ token: z.string(), expiresAt: ZIsoDate })
