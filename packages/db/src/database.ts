// The handle callers get: every repository over one connection, plus close().
import { type DatabasePing, type OpenOptions, openClient } from './client.ts'
import { channelsRepository, deliveriesRepository } from './repos/alert-delivery.ts'
import { apiTokensRepository } from './repos/api-tokens.ts'
import { artifactsRepository } from './repos/artifacts.ts'
import { attackersRepository } from './repos/attackers.ts'
import { auditRepository } from './repos/audit.ts'
import { correlationRepository } from './repos/correlation.ts'
import { dashboardRepository } from './repos/dashboard.ts'
import { enrichmentRepository } from './repos/enrichment.ts'
import { exportsRepository } from './repos/exports.ts'
import { fileDropsRepository } from './repos/file-drops.ts'
import { fleetRepository } from './repos/fleet.ts'
import { imagesRepository } from './repos/images.ts'
import { incidentsRepository } from './repos/incidents.ts'
import { intelRepository } from './repos/intel.ts'
import { lifecycleRepository } from './repos/lifecycle.ts'
import { logFieldsRepository } from './repos/log-fields.ts'
import { type IngestOptions, logsRepository } from './repos/logs.ts'
import { operationsMetricsRepository } from './repos/operations-metrics.ts'
import { probeSourcesRepository } from './repos/probe-sources.ts'
import { sessionsRepository } from './repos/sessions.ts'
import { heartbeatsRepository, hostsRepository, settingsRepository } from './repos/settings.ts'
import { tokensRepository, usersRepository } from './repos/users.ts'
import type { Dialect } from './sql.ts'

export interface DecnetDatabase {
  readonly dialect: Dialect
  readonly users: ReturnType<typeof usersRepository>
  readonly tokens: ReturnType<typeof tokensRepository>
  /** Integration API tokens (named, scoped, revocable). */
  readonly apiTokens: ReturnType<typeof apiTokensRepository>
  readonly fleet: ReturnType<typeof fleetRepository>
  /** Bait files admins placed into deckies' visible filesystems. */
  readonly fileDrops: ReturnType<typeof fileDropsRepository>
  readonly lifecycle: ReturnType<typeof lifecycleRepository>
  readonly logs: ReturnType<typeof logsRepository>
  /** Captured field keys of recent events (the search box's completions). */
  readonly logFields: ReturnType<typeof logFieldsRepository>
  readonly probeSources: ReturnType<typeof probeSourcesRepository>
  readonly attackers: ReturnType<typeof attackersRepository>
  readonly hosts: ReturnType<typeof hostsRepository>
  readonly images: ReturnType<typeof imagesRepository>
  readonly settings: ReturnType<typeof settingsRepository>
  readonly heartbeats: ReturnType<typeof heartbeatsRepository>
  readonly audit: ReturnType<typeof auditRepository>
  readonly channels: ReturnType<typeof channelsRepository>
  readonly deliveries: ReturnType<typeof deliveriesRepository>
  /** Keyset pages of logs, attackers and credentials for streamed downloads. */
  readonly exports: ReturnType<typeof exportsRepository>
  /** Incidents, ignore rules, the alert outbox and the grouping worker's batch transaction. */
  readonly incidents: ReturnType<typeof incidentsRepository>
  /** Attacker intelligence (fingerprints, tools, techniques, indicators), per attacker and fleet-wide. */
  readonly intel: ReturnType<typeof intelRepository>
  /** Credential reuse, identities and campaigns: read by the API, rebuilt by the correlation worker. */
  readonly correlation: ReturnType<typeof correlationRepository>
  /** Terminal recordings and per-connection groupings of an attacker's events. */
  readonly sessions: ReturnType<typeof sessionsRepository>
  /** Label, geo/ASN and reverse DNS per attacker address (the enrichment worker writes it). */
  readonly enrichment: ReturnType<typeof enrichmentRepository>
  /** Content-addressed artifacts (downloads, uploads, messages) and where each was seen. */
  readonly artifacts: ReturnType<typeof artifactsRepository>
  /** The overview dashboard's aggregates over a time window, and what is under attack now. */
  readonly dashboard: ReturnType<typeof dashboardRepository>
  /** Counts behind the operators' Prometheus /metrics (deckies, runner queue, alert deliveries). */
  readonly operationsMetrics: ReturnType<typeof operationsMetricsRepository>
  /**
   * Cheap liveness probe for health.get: a read on the read connection, answered within
   * PING_DEADLINE_MS (or thrown), plus how long writes have been waiting for another process's lock.
   */
  ping(): Promise<DatabasePing>
  close(): Promise<void>
}

export type DatabaseOptions = OpenOptions & IngestOptions

/** Opens the database at `databaseUrl` (run `migrate(databaseUrl)` first). */
export function createDatabase(databaseUrl: string, options: DatabaseOptions = {}): DecnetDatabase {
  const conn = openClient(databaseUrl, options)
  return {
    dialect: conn.dialect,
    users: usersRepository(conn),
    tokens: tokensRepository(conn),
    apiTokens: apiTokensRepository(conn),
    fleet: fleetRepository(conn),
    fileDrops: fileDropsRepository(conn),
    lifecycle: lifecycleRepository(conn),
    logs: logsRepository(conn, options),
    logFields: logFieldsRepository(conn),
    probeSources: probeSourcesRepository(conn),
    attackers: attackersRepository(conn),
    hosts: hostsRepository(conn),
    images: imagesRepository(conn),
    settings: settingsRepository(conn),
    heartbeats: heartbeatsRepository(conn),
    audit: auditRepository(conn),
    channels: channelsRepository(conn),
    deliveries: deliveriesRepository(conn),
    exports: exportsRepository(conn),
    incidents: incidentsRepository(conn),
    intel: intelRepository(conn),
    correlation: correlationRepository(conn),
    sessions: sessionsRepository(conn),
    enrichment: enrichmentRepository(conn),
    artifacts: artifactsRepository(conn),
    dashboard: dashboardRepository(conn),
    operationsMetrics: operationsMetricsRepository(conn),
    ping: () => conn.ping(),
    close: () => conn.close(),
  }
}
