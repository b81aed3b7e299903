import type http from 'node:http'
import type https from 'node:https'
import type { AddressInfo } from 'node:net'
import type { EngineKind } from '@decnet/core'
import { createDatabase, migrate } from '@decnet/db'
import { type Bus, createDockerClient, InProcessBus, PostgresBus, probeDockerEngine } from '@decnet/lifecycle'
import type Docker from 'dockerode'
import { compileProxyTrust } from './auth/client-ip.ts'
import { createLoginThrottle } from './auth/login-throttle.ts'
import { createRateLimiter } from './auth/rate-limit.ts'
import { createSessionTokenIssuer } from './auth/session-token.ts'
import { bootstrapFirstAdmin } from './bootstrap/admin.ts'
import { secureDatabaseFiles, securePrivateDir } from './bootstrap/data-files.ts'
import { loadSessionSecret } from './bootstrap/session-secret.ts'
import type { ApiConfig } from './config.ts'
import type { ApiServices } from './context.ts'
import { createExportTicketIssuer } from './exports/ticket.ts'
import { LifecycleFeed } from './fleet/lifecycle-feed.ts'
import { IncidentFeed } from './incidents/incident-feed.ts'
import { createOperationsMetrics } from './metrics/operations-metrics.ts'
import { createSecretBox } from './secrets/secret-box.ts'
import { createApiServer, listen } from './server.ts'
import { defaultFleetNetwork } from './settings/network.ts'
import { readTlsPair } from './tls/tls-pair.ts'
import { DECNET_VERSION } from './version.ts'
import { startWorkers } from './workers/index.ts'

export const API_VERSION = DECNET_VERSION

export type RunningApi = {
  services: ApiServices
  server: http.Server | https.Server
  address: AddressInfo
  close(): Promise<void>
}

/** auto → docker when a daemon answers now, else the embedded local engine. */
async function chooseEngine(config: ApiConfig, docker: Docker): Promise<EngineKind> {
  if (config.engine !== 'auto') return config.engine
  return (await probeDockerEngine(docker, 2_000)).reachable ? 'docker' : 'local'
}

/** Everything the procedures use, started, and how to stop it again. */
export type ApiRuntime = {
  services: ApiServices
  close(): Promise<void>
}

/**
 * Migrates, bootstraps and starts the background workers: the whole API but its HTTP server. The
 * server wraps it (startApi), and the in-process tests call procedures on it directly.
 */
export async function createApiRuntime(
  config: ApiConfig,
  log: (line: string) => void = console.log,
): Promise<ApiRuntime> {
  securePrivateDir(config.dataDir)
  secureDatabaseFiles(config.databaseUrl)
  await migrate(config.databaseUrl)
  const db = createDatabase(config.databaseUrl)
  try {
    await bootstrapFirstAdmin(db, { username: config.adminUser, password: config.adminPassword }, log)
  } catch (error) {
    // A refused first admin ends start-up: let go of the database before saying why.
    await db.close()
    throw error
  }
  const docker = createDockerClient({ dockerHost: config.dockerHost })
  const engine = await chooseEngine(config, docker)
  // With PostgreSQL, LISTEN/NOTIFY lets several API processes share lifecycle and log notifications.
  const bus: Bus =
    db.dialect === 'postgres'
      ? await PostgresBus.connect({ connectionString: config.databaseUrl })
      : new InProcessBus()
  // Subscribed before the workers start, so the first ingest and lifecycle outcomes are counted.
  const metrics = createOperationsMetrics(db, bus)
  const lifecycleFeed = new LifecycleFeed(bus)
  const incidentFeed = new IncidentFeed(db)
  const defaultNetwork = defaultFleetNetwork()
  const secrets = config.secretKey ? createSecretBox(config.secretKey) : undefined
  const sessionSecret = loadSessionSecret(config.dataDir, config.sessionSecret)
  const workers = await startWorkers({ config, db, bus, docker, engine, defaultNetwork, secrets, log })
  const services: ApiServices = {
    config,
    db,
    docker,
    bus,
    tokens: createSessionTokenIssuer(sessionSecret, config.sessionTtlSeconds),
    exportTickets: createExportTicketIssuer(sessionSecret),
    proxyTrust: compileProxyTrust(config.trustedProxies),
    limits: {
      login: createLoginThrottle(),
      searchPerUser: createRateLimiter({ limit: 120, windowMs: 60_000 }),
    },
    engine,
    runner: workers.runner,
    reconciler: workers.reconciler,
    hosts: workers.hosts,
    alerts: workers.alerts,
    images: workers.images,
    lifecycleFeed,
    incidentFeed,
    localAddressOf: workers.localAddressOf,
    localEngine: workers.localEngine,
    defaultNetwork,
    metrics,
    secrets,
    version: API_VERSION,
    startedAt: new Date(),
  }
  return {
    services,
    async close() {
      await workers.stop()
      lifecycleFeed.close()
      incidentFeed.close()
      metrics.close()
      await bus.close()
      await db.close()
    },
  }
}

/** The API runtime behind its HTTP server. */
export async function startApi(
  config: ApiConfig,
  log: (line: string) => void = console.log,
): Promise<RunningApi> {
  const runtime = await createApiRuntime(config, log)
  const tls = config.apiTls && config.tls ? readTlsPair(config.tls) : undefined
  const server = createApiServer(runtime.services, tls)
  const address = await listen(server, config.apiPort, config.apiHost)
  const scheme = tls ? 'https' : 'http'
  log(
    `decnet api listening on ${scheme}://${address.address}:${address.port}/trpc (engine: ${runtime.services.engine})`,
  )
  if (tls) log(`decnet api TLS certificate SHA-256 fingerprint ${tls.fingerprint}`)
  return {
    services: runtime.services,
    server,
    address,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await runtime.close()
    },
  }
}
