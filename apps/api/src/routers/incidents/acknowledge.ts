import { reviewIncident } from '../../incidents/incident-review.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZAcknowledgeIncidentInput, ZAcknowledgeIncidentOutput } from './acknowledge.types.ts'

export const acknowledgeIncidentProcedure = adminProcedure
  .input(ZAcknowledgeIncidentInput)
  .output(ZAcknowledgeIncidentOutput)
  .mutation(({ ctx, input }) =>
    reviewIncident(ctx.services.db, ctx.session.user.username, 'acknowledge', input),
  )
