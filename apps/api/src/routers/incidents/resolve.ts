import { reviewIncident } from '../../incidents/incident-review.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZResolveIncidentInput, ZResolveIncidentOutput } from './resolve.types.ts'

export const resolveIncidentProcedure = adminProcedure
  .input(ZResolveIncidentInput)
  .output(ZResolveIncidentOutput)
  .mutation(({ ctx, input }) => reviewIncident(ctx.services.db, ctx.session.user.username, 'resolve', input))
