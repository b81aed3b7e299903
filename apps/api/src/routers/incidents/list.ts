import { listIncidents } from '../../incidents/incident-queries.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZListIncidentsInput, ZListIncidentsOutput } from './list.types.ts'

export const listIncidentsProcedure = viewerProcedure
  .input(ZListIncidentsInput)
  .output(ZListIncidentsOutput)
  .query(({ ctx, input }) => listIncidents(ctx.services.db, input))
