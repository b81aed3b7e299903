import { issueExport } from '../../exports/issue.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZExportCredentialsInput, ZExportCredentialsOutput } from './credentials.types.ts'

/** Captured credentials as a download: viewers get who was tried, admins also the secret. */
export const exportCredentialsProcedure = viewerProcedure
  .input(ZExportCredentialsInput)
  .output(ZExportCredentialsOutput)
  .mutation(({ ctx, input }) => issueExport(ctx, { kind: 'credentials', ...input }))
