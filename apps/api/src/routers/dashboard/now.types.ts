import { ZIsoDate, ZSeverity } from '@decnet/core'
import { DASHBOARD_ACTIVE_DECKIES, DASHBOARD_INCIDENTS } from '@decnet/db'
import { z } from 'zod'
import { ZNoInput } from '../../no-input.ts'

export const ZDashboardNowInput = ZNoInput

const ZCount = z.number().int().min(0)

export const ZDashboardNowOutput = z.object({
  /** Minutes "now" covers. */
  minutes: z.number().int().min(1),
  /** Deckies with attack events in the last `minutes`, busiest first. */
  underAttack: z
    .array(z.object({ decky: z.string().max(128), events: ZCount, attackers: ZCount, lastSeen: ZIsoDate }))
    .max(DASHBOARD_ACTIVE_DECKIES),
  openIncidents: z.object({
    total: ZCount,
    /** The most recently active ones. */
    rows: z
      .array(
        z.object({
          id: z.string().max(64),
          attackerIp: z.string().max(64),
          decky: z.string().max(128),
          severity: ZSeverity,
          eventCount: ZCount,
          lastSeen: ZIsoDate,
        }),
      )
      .max(DASHBOARD_INCIDENTS),
  }),
})
