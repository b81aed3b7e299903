import { cursorPageRequest, ZDeckyName, ZIncidentState, ZSeverity } from '@decnet/core'
import { z } from 'zod'
import { ZIncidentOutput } from './incident-output.ts'

export const ZListIncidentsInput = z
  .object({
    /** Any of these states (all when absent). */
    states: z.array(ZIncidentState).min(1).max(3).optional(),
    /** This severity or worse. */
    minSeverity: ZSeverity.optional(),
    /** Incidents that touched this decky (first or later). */
    decky: ZDeckyName.optional(),
    attackerIp: z.union([z.ipv4(), z.ipv6()]).optional(),
    /** Incidents active in this range: last seen at or after `from`, first seen at or before `to`. */
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    ...cursorPageRequest,
  })
  .strict()
export const ZListIncidentsOutput = z.object({
  total: z.number().int(),
  rows: z.array(ZIncidentOutput),
  nextCursor: z.string().optional(),
})
