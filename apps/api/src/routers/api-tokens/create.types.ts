import { ZRole } from '@decnet/core'
import { z } from 'zod'
import { ZApiToken } from './api-token-output.ts'

export const ZCreateApiTokenInput = z.object({
  /** What the integration is, e.g. `soar-prod`: unique, shown in lists and in the audit log. */
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.-]+$/, 'use 1-64 of A-Z a-z 0-9 _ . -'),
  role: ZRole,
})

export const ZCreateApiTokenOutput = z.object({
  /** The token itself: shown this once, never again (only its hash is kept). */
  token: z.string(),
  apiToken: ZApiToken,
})
