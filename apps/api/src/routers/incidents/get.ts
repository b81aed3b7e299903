import { incidentWithEvents } from '../../incidents/incident-queries.ts'
import { revealsSecrets } from '../../logs/secret-mask.ts'
import { viewerProcedure } from '../../trpc.ts'
import { INCIDENT_EVENTS, ZGetIncidentInput, ZGetIncidentOutput } from './get.types.ts'

export const getIncidentProcedure = viewerProcedure
  .input(ZGetIncidentInput)
  .output(ZGetIncidentOutput)
  .query(({ ctx, input }) =>
    incidentWithEvents(ctx.services.db, input.id, {
      limit: INCIDENT_EVENTS,
      revealSecrets: revealsSecrets(ctx.session.user),
    }),
  )
