import { issueExport } from '../../exports/issue.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZExportIncidentsInput, ZExportIncidentsOutput } from './incidents.types.ts'

/** Incidents as CSV/NDJSON rows or as a STIX 2.1 bundle of what they observed. */
export const exportIncidentsProcedure = viewerProcedure
  .input(ZExportIncidentsInput)
  .output(ZExportIncidentsOutput)
  .mutation(({ ctx, input }) => issueExport(ctx, { kind: 'incidents', ...input }))
