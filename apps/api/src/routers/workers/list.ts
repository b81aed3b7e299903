import { viewerProcedure } from '../../trpc.ts'
import { listWorkers } from '../../workers/operator-view.ts'
import { ZListWorkersInput, ZListWorkersOutput } from './list.types.ts'

export const listWorkersProcedure = viewerProcedure
  .input(ZListWorkersInput)
  .output(ZListWorkersOutput)
  .query(({ ctx }) => listWorkers(ctx.services))
