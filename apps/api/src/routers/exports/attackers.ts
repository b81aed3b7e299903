import { issueExport } from '../../exports/issue.ts'
import { viewerProcedure } from '../../trpc.ts'
import { ZExportAttackersInput, ZExportAttackersOutput } from './attackers.types.ts'

/** Attacker profiles (the Attackers page's filter) as a download; commands masked for viewers. */
export const exportAttackersProcedure = viewerProcedure
  .input(ZExportAttackersInput)
  .output(ZExportAttackersOutput)
  .mutation(({ ctx, input }) => issueExport(ctx, { kind: 'attackers', ...input }))
