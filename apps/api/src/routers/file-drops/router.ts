import { router } from '../../trpc.ts'
import { addFileDropProcedure } from './add.ts'
import { listFileDropsProcedure } from './list.ts'
import { removeFileDropProcedure } from './remove.ts'

export const fileDropsRouter = router({
  list: listFileDropsProcedure,
  add: addFileDropProcedure,
  remove: removeFileDropProcedure,
})
