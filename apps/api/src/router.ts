import { alertsRouter } from './routers/alerts/router.ts'
import { apiTokensRouter } from './routers/api-tokens/router.ts'
import { artifactsRouter } from './routers/artifacts/router.ts'
import { attackersRouter } from './routers/attackers/router.ts'
import { auditRouter } from './routers/audit/router.ts'
import { authRouter } from './routers/auth/router.ts'
import { catalogRouter } from './routers/catalog/router.ts'
import { configRouter } from './routers/config/router.ts'
import { dashboardRouter } from './routers/dashboard/router.ts'
import { exportsRouter } from './routers/exports/router.ts'
import { fileDropsRouter } from './routers/file-drops/router.ts'
import { fleetRouter } from './routers/fleet/router.ts'
import { healthRouter } from './routers/health/router.ts'
import { hostsRouter } from './routers/hosts/router.ts'
import { imagesRouter } from './routers/images/router.ts'
import { incidentsRouter } from './routers/incidents/router.ts'
import { intelRouter } from './routers/intel/router.ts'
import { logsRouter } from './routers/logs/router.ts'
import { sessionsRouter } from './routers/sessions/router.ts'
import { statsRouter } from './routers/stats/router.ts'
import { topologyRouter } from './routers/topology/router.ts'
import { usersRouter } from './routers/users/router.ts'
import { workersRouter } from './routers/workers/router.ts'
import { router } from './trpc.ts'

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  apiTokens: apiTokensRouter,
  config: configRouter,
  catalog: catalogRouter,
  fleet: fleetRouter,
  topology: topologyRouter,
  fileDrops: fileDropsRouter,
  logs: logsRouter,
  attackers: attackersRouter,
  stats: statsRouter,
  dashboard: dashboardRouter,
  hosts: hostsRouter,
  images: imagesRouter,
  exports: exportsRouter,
  health: healthRouter,
  alerts: alertsRouter,
  incidents: incidentsRouter,
  audit: auditRouter,
  intel: intelRouter,
  sessions: sessionsRouter,
  artifacts: artifactsRouter,
  workers: workersRouter,
})

export type AppRouter = typeof appRouter
