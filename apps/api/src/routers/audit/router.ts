import { router } from '../../trpc.ts'
import { listAuditProcedure } from './list.ts'

// Read-only on purpose: the audit log has no update or delete procedure (test/audit.test.ts checks).
export const auditRouter = router({
  list: listAuditProcedure,
})
