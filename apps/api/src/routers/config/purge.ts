import { purgeTelemetry } from '../../logs/purge-telemetry.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZPurgeInput, ZPurgeOutput } from './purge.types.ts'

export const purgeProcedure = adminProcedure
  .input(ZPurgeInput)
  .output(ZPurgeOutput)
  .mutation(async ({ ctx }) => {
    const deleted = await purgeTelemetry(ctx.services)
    return {
      message: `purged ${deleted.logs} logs, ${deleted.credentials} credentials and ${deleted.attackers} attackers`,
      deleted,
    }
  })
