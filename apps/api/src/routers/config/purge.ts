import { TRPCError } from '@trpc/server'
import { adminProcedure } from '../../trpc.ts'
import { ZPurgeInput, ZPurgeOutput } from './purge.types.ts'

export const purgeProcedure = adminProcedure
  .input(ZPurgeInput)
  .output(ZPurgeOutput)
  .mutation(async ({ ctx }) => {
    if (!ctx.services.config.developerMode) {
      throw new TRPCError({
        code: 'PRECONDITION_FAILED',
        message: 'purging telemetry needs developer mode (DECNET_DEVELOPER_MODE=1)',
      })
    }
    const deleted = await ctx.services.db.logs.purge()
    return {
      message: `purged ${deleted.logs} logs, ${deleted.credentials} credentials and ${deleted.attackers} attackers`,
      deleted,
    }
  })
