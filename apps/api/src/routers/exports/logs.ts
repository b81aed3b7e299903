import { issueExport } from '../../exports/issue.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZExportLogsInput, ZExportLogsOutput } from './logs.types.ts'

/** The Logs page's current search as a download; relative ranges (`last:1h`) are fixed now. */
export const exportLogsProcedure = viewerProcedure
  .input(ZExportLogsInput)
  .output(ZExportLogsOutput)
  .mutation(({ ctx, input }) => {
    const now = new Date()
    return issueExport(ctx, { kind: 'logs', ...input, now: now.toISOString() }, now)
  })
