import { cursorPageRequest, IOC_KINDS, ZIsoDate } from '@decnet/core'
import { MAX_IOC_PAGE } from '@decnet/db'
import { z } from 'zod'

export const ZIocsInput = z
  .object({
    kind: z.enum(IOC_KINDS).optional(),
    /** Part of the value, matched literally. */
    q: z.string().max(256).optional(),
    ...cursorPageRequest,
    limit: z.number().int().min(1).max(MAX_IOC_PAGE).default(50),
  })
  .strict()

export const ZIocsOutput = z.object({
  total: z.number().int(),
  /** One row per indicator across the fleet, most attackers first; values masked for viewers. */
  rows: z
    .array(
      z.object({
        kind: z.string(),
        value: z.string(),
        attackers: z.number().int(),
        hits: z.number().int(),
        firstSeen: ZIsoDate,
        lastSeen: ZIsoDate,
      }),
    )
    .max(MAX_IOC_PAGE),
  nextCursor: z.string().optional(),
})
