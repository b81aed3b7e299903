import { adminProcedure } from '../../trpc.ts'
import { setWorkerPaused } from '../../workers/operator-view.ts'
import { ZResumeWorkerInput, ZResumeWorkerOutput } from './resume.types.ts'

export const resumeWorkerProcedure = adminProcedure
  .input(ZResumeWorkerInput)
  .output(ZResumeWorkerOutput)
  .mutation(async ({ ctx, input }) => ({ message: await setWorkerPaused(ctx.services, input.worker, false) }))
