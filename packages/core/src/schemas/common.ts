// Building blocks shared by the API contract schemas.
import { z } from 'zod'
import { MAC_RE } from '../catalog/mac.ts'
import { INTERVAL_RE } from '../mutation/interval.ts'
import { isIpv4 } from '../net/ipv4.ts'

/**
 * Lower-case so a name is always valid in container names, bus topics and URLs. Host names follow the
 * same rule. Import it from `@decnet/core/schemas` (also in the browser); never copy the pattern.
 */
export const DECKY_NAME_RE = /^[a-z0-9][a-z0-9-]{0,62}$/

export const ZDeckyName = z.string().regex(DECKY_NAME_RE, `decky names match ${DECKY_NAME_RE.source}`)
export type DeckyName = z.infer<typeof ZDeckyName>

export const ZIpv4 = z.string().refine(isIpv4, 'expected a dotted-quad IPv4 address')

export const ZMac = z.string().regex(MAC_RE, 'expected a lower-case colon-separated MAC address')

/**
 * Dates travel as ISO-8601 strings (no tRPC transformer). Handlers may return a Date; it is
 * serialised here, so the inferred type on the wire side is always `string`.
 */
export const ZIsoDate = z.union([
  z.date().transform((d) => d.toISOString()),
  z.iso.datetime({ offset: true }),
])

/** "30m", "2h", "1d", "1w", "1M", "1y"; null switches automatic mutation off. */
export const ZIntervalString = z
  .string()
  .regex(INTERVAL_RE, 'expected an interval like 30m, 2h, 1d, 1w, 1M, 1y')

export const ZMessage = z.object({ message: z.string() })
export type MessageOutput = z.infer<typeof ZMessage>

export const ZCursorLimit = z.number().int().min(1).max(1000)

/** The request fields of a cursor-paged listing: a page size and the cursor a previous page returned. */
export const cursorPageRequest = {
  limit: ZCursorLimit.default(50),
  cursor: z.string().max(256).optional(),
}

/** One page of a cursor-paged listing: how many match in all, this page's rows, the next page's cursor. */
export function cursorPage<Row extends z.ZodType>(row: Row) {
  return z.object({
    total: z.number().int(),
    rows: z.array(row),
    nextCursor: z.string().optional(),
  })
}
