import { issueExport } from '../../exports/issue.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZExportIocsInput, ZExportIocsOutput } from './iocs.types.ts'

/** The fleet-wide indicators (the IOCs page's kind filter) as a download; values masked for viewers. */
export const exportIocsProcedure = viewerProcedure
  .input(ZExportIocsInput)
  .output(ZExportIocsOutput)
  .mutation(({ ctx, input: { kind, ...rest } }) =>
    issueExport(ctx, { ...rest, kind: 'iocs', ...(kind ? { iocKind: kind } : {}) }),
  )
