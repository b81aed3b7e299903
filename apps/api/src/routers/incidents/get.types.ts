import { ZLog } from '@decnet/core'
import { z } from 'zod'
import { ZIncidentOutput } from './incident-output.ts'

/** The incident's timeline: its most recent events only; older ones are in logs.search. */
export const INCIDENT_EVENTS = 50

export const ZGetIncidentInput = z.object({ id: z.string().min(1).max(128) }).strict()
export const ZGetIncidentOutput = ZIncidentOutput.extend({
  /** The most recent events of this source on the incident's deckies while it was open, newest first. */
  events: z.array(ZLog).max(INCIDENT_EVENTS),
  /** True when older events exist (search `attacker:<ip>` with the incident's time range). */
  moreEvents: z.boolean(),
})
