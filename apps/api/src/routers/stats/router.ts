import { router } from '../../trpc.ts'
import { getStatsProcedure } from './get-stats.ts'

export const statsRouter = router({ get: getStatsProcedure })
