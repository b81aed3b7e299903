import { ZIsoDate } from '@decnet/core'
import { DASHBOARD_MAX_BUCKETS, DASHBOARD_MAX_TOP } from '@decnet/db'
import { z } from 'zod'

export const ZDashboardOverviewInput = z
  .object({
    /** Window start (inclusive); absent: since the first event. */
    from: z.iso.datetime({ offset: true }).optional(),
    /** Window end (exclusive); absent: now. */
    to: z.iso.datetime({ offset: true }).optional(),
    /** Wanted bucket size of the timeline; widened to keep it within DASHBOARD_MAX_BUCKETS buckets. */
    bucketMinutes: z.number().int().min(1).max(525600).default(30),
    /** Length of each top list. */
    top: z.number().int().min(1).max(DASHBOARD_MAX_TOP).default(10),
  })
  .strict()

const ZCount = z.number().int().min(0)
const ZName = z.string().max(128)
const ZCountry = z.string().max(8)

export const ZSourceRegion = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('country'), country: ZCountry }),
  /** Special-purpose ranges (private, loopback, link-local, CGNAT …): one group. */
  z.object({ kind: z.literal('private') }),
  /** Not enriched yet, or a public address no database places. */
  z.object({ kind: z.literal('unknown') }),
])

export const ZDashboardOverviewOutput = z.object({
  /** The bucket size used (the asked one, or wider). */
  bucketMinutes: z.number().int().min(1),
  events: ZCount,
  /** Distinct source addresses with attack events in the window. */
  attackers: ZCount,
  /** Attack events per bucket start and service, oldest first (empty buckets left out). */
  timeline: z.array(z.object({ t: ZIsoDate, service: ZName, count: ZCount })).max(DASHBOARD_MAX_BUCKETS * 64),
  services: z.array(z.object({ service: ZName, events: ZCount })).max(DASHBOARD_MAX_TOP),
  deckies: z.array(z.object({ decky: ZName, events: ZCount, attackers: ZCount })).max(DASHBOARD_MAX_TOP),
  topAttackers: z
    .array(
      z.object({
        ip: z.string().max(64),
        /** The attacker profile (null only while ingest has not written it). */
        attackerId: z.string().max(64).nullable(),
        events: ZCount,
        country: ZCountry.nullable(),
        /** Special-purpose range label (private, loopback …), null for a public address. */
        label: z.string().max(32).nullable(),
      }),
    )
    .max(DASHBOARD_MAX_TOP),
  newAttackers: z.object({
    total: ZCount,
    rows: z
      .array(
        z.object({
          ip: z.string().max(64),
          attackerId: z.string().max(64),
          firstSeen: ZIsoDate,
          events: ZCount,
          country: ZCountry.nullable(),
        }),
      )
      .max(DASHBOARD_MAX_TOP),
  }),
  /** Credentials tried in the window, most tried first; secrets masked for viewers, both cut to display length. */
  credentials: z
    .array(
      z.object({
        kind: z.string().max(32),
        username: z.string().max(256),
        secret: z.string().max(256),
        attempts: ZCount,
        attackers: ZCount,
      }),
    )
    .max(DASHBOARD_MAX_TOP),
  regions: z.array(z.object({ region: ZSourceRegion, attackers: ZCount, events: ZCount })).max(512),
})
