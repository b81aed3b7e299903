import { viewerStreamProcedure } from '../../auth/session-watch.ts'
import { newIncidents } from '../../incidents/new-incidents.ts'
import { ZOnNewIncidentInput, ZOnNewIncidentOutput } from './on-new.types.ts'

/** Incidents as they open; resumable by Last-Event-ID (incidents/new-incidents.ts). */
export const onNewIncidentProcedure = viewerStreamProcedure
  .input(ZOnNewIncidentInput)
  .output(ZOnNewIncidentOutput)
  .subscription(({ ctx, input, signal }) => newIncidents(ctx.services, input, signal))
