// logs.* and attackers.* shapes. Every string here may be attacker-controlled: it is data.
import { z } from 'zod'
import { cursorPage, cursorPageRequest, ZIsoDate } from './common.ts'

export const ZLog = z.object({
  id: z.string(),
  timestamp: ZIsoDate,
  decky: z.string(),
  service: z.string(),
  eventType: z.string(),
  attackerIp: z.string().nullable(),
  attackerPort: z.number().int().nullable().optional(),
  fields: z.record(z.string(), z.unknown()),
  message: z.string().optional(),
  /** DECNET's own traffic (a readiness probe), shown only when the search asks (`system:true|any`). */
  system: z.boolean(),
})
export type Log = z.infer<typeof ZLog>

const ZQuery = z.string().max(512)

/** attackers.list orders: latest contact, most events, most deckies touched. */
export const ZAttackerSort = z.enum(['recent', 'active', 'deckies'])
export type AttackerSort = z.infer<typeof ZAttackerSort>

export const ZLogsSearchRequest = z
  .object({
    q: ZQuery.optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    ...cursorPageRequest,
  })
  .strict()
export const ZLogsSearchResponse = cursorPage(ZLog)

export const ZLogsHistogramRequest = z
  .object({
    q: ZQuery.optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    bucketMinutes: z.number().int().min(1).max(525600).default(15),
  })
  .strict()
/** Series of the stacked histogram: the busiest services, the rest folded into OTHER_SERVICES. */
export const MAX_HISTOGRAM_SERIES = 8
/** The folded series' label (parenthesised: no service name has parentheses). */
export const OTHER_SERVICES = '(other services)'
export const ZLogsHistogramResponse = z.object({
  /** Stack order, bottom first. */
  services: z.array(z.string()).max(MAX_HISTOGRAM_SERIES + 1),
  buckets: z.array(
    z.object({
      t: ZIsoDate,
      count: z.number().int(),
      /** Counts per entry of `services`, same order. */
      byService: z.array(z.number().int()),
    }),
  ),
})
export type LogsHistogram = z.infer<typeof ZLogsHistogramResponse>

/**
 * What the search box can complete before a colon: the grammar's own keys (columns, whole-query
 * scopes, field aliases) and the field keys the decoys actually captured lately.
 */
export const ZLogFieldKind = z.enum(['column', 'scope', 'alias', 'field'])
export const ZLogFieldsResponse = z.object({
  keys: z.array(
    z.object({
      name: z.string().max(64),
      kind: ZLogFieldKind,
      /** What the key searches, for the suggestion list. */
      hint: z.string().max(120),
    }),
  ),
})
export type LogFieldKey = z.infer<typeof ZLogFieldsResponse>['keys'][number]
export const ZLogsLiveRequest = z.object({ q: ZQuery.optional() }).strict()

export const ZAttacker = z.object({
  id: z.string(),
  ip: z.string(),
  firstSeen: ZIsoDate,
  lastSeen: ZIsoDate,
  eventCount: z.number().int(),
  services: z.array(z.string()),
  deckies: z.array(z.string()),
})
export type Attacker = z.infer<typeof ZAttacker>

export const ZAttackersListRequest = z
  .object({
    q: ZQuery.optional(),
    service: z.string().max(64).optional(),
    /** Only attackers who touched this decky. */
    decky: z.string().max(64).optional(),
    sort: ZAttackerSort.default('recent'),
    ...cursorPageRequest,
  })
  .strict()
export const ZAttackersListResponse = cursorPage(ZAttacker)

export const ZCredential = z.object({
  id: z.string(),
  timestamp: ZIsoDate,
  decky: z.string(),
  service: z.string(),
  username: z.string().nullable(),
  password: z.string().nullable(),
})
export const ZAttackerDetail = ZAttacker.extend({
  credentials: z.array(ZCredential),
  recentLogs: z.array(ZLog),
})
