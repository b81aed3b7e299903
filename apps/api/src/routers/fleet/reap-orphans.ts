import { adminProcedure } from '../../trpc.ts'
import { ZReapOrphansInput, ZReapOrphansOutput } from './reap-orphans.types.ts'

/** Hands the reap to the reconciler worker (which owns engine access) and reports what it removed. */
export const reapOrphansProcedure = adminProcedure
  .input(ZReapOrphansInput)
  .output(ZReapOrphansOutput)
  .mutation(({ ctx }) => ctx.services.reconciler.reapOrphans())
