import { adminProcedure } from '../../trpc.ts'
import { setWorkerPaused } from '../../workers/operator-view.ts'
import { ZPauseWorkerInput, ZPauseWorkerOutput } from './pause.types.ts'

export const pauseWorkerProcedure = adminProcedure
  .input(ZPauseWorkerInput)
  .output(ZPauseWorkerOutput)
  .mutation(async ({ ctx, input }) => ({ message: await setWorkerPaused(ctx.services, input.worker, true) }))
