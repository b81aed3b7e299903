import { router } from '../../trpc.ts'
import { exportAttackersProcedure } from './attackers.ts'
import { exportCredentialsProcedure } from './credentials.ts'
import { exportIncidentsProcedure } from './incidents.ts'
import { exportIocsProcedure } from './iocs.ts'
import { exportLogsProcedure } from './logs.ts'

/** Each answers a single-use download URL (`GET /exports/<ticket>`), valid for a minute. */
export const exportsRouter = router({
  logs: exportLogsProcedure,
  attackers: exportAttackersProcedure,
  credentials: exportCredentialsProcedure,
  incidents: exportIncidentsProcedure,
  iocs: exportIocsProcedure,
})
