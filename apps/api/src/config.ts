import { existsSync } from 'node:fs'
import path from 'node:path'
import { type EngineSetting, ZEngineSetting, ZUsername } from '@decnet/core'
import { parseRdnsSetting } from '@decnet/lifecycle'
import type { DeliverySettings } from './alerts/delivery-worker.ts'
import { type AllowedTarget, parseAllowedTargets } from './alerts/target-guard.ts'
import { parseAddressList } from './auth/address-list.ts'
import { parseTrustedProxies } from './auth/client-ip.ts'

/** Runtime configuration, read once from the environment (names are stable: PRODUCT.md §9). */
export type ApiConfig = {
  apiPort: number
  apiHost: string
  webPort: number
  dataDir: string
  databaseUrl: string
  engine: EngineSetting
  dockerHost: string | undefined
  adminUser: string
  adminPassword: string | undefined
  /** Secret for session tokens; generated into the data dir when unset. */
  sessionSecret: string | undefined
  sessionTtlSeconds: number
  /** Key for secrets at rest (enrolled hosts' TLS material). */
  secretKey: string | undefined
  /** Set the Secure flag on the session cookie (serve the console over HTTPS). */
  secureCookies: boolean
  /** Allows config.purge. */
  developerMode: boolean
  /** hosts.enroll may name loopback, link-local or this machine's own addresses (tests, single-box labs). */
  allowLocalEngineUrls: boolean
  /** Origin allowed to call the API cross-origin (the console normally proxies same-origin). */
  webOrigin: string
  /** Peers (IPs, CIDRs, `loopback`) whose X-Forwarded-For names the client; default loopback (the console). */
  trustedProxies: string[]
  /** Background workers this process runs (each can run as a separate process instead). */
  workers: Record<WorkerName, boolean>
  /**
   * DECNET_COLLECTOR_THREAD [on]: the collector runs in a worker thread of its own, so ingest never
   * queues requests; off keeps it on the API's thread (about 50–90 MiB less memory).
   */
  collectorThread: boolean
  /** How long a runner holds a lifecycle row before another may take it over (its renewal keeps it). */
  runnerLeaseMs: number
  /** Operations the runner runs at once on this host. */
  runnerConcurrency: number
  /** How long a deployed decky may take to answer on every port before its deploy fails. */
  readinessTimeoutMs: number
  /** How often enrolled hosts are pinged; three misses in a row mark one unreachable. */
  hostHeartbeatMs: number
  /** How often each host's reconciler compares its containers with the fleet. */
  reconcileMs: number
  /** Period of the sweep removing from each enrolled host what the fleet does not hold there. */
  orphanSweepMs: number
  /** Automatic repairs of one broken decky before the reconciler gives up, and the first back-off. */
  repairAttempts: number
  repairBackoffMs: number
  /** Shortest time between two correlation passes (credential reuse, identities, campaigns). */
  correlationMs: number
  /** Loopback / own-address alert targets the operator allows (the SSRF guard refuses them otherwise). */
  alertAllowedTargets: AllowedTarget[]
  /** The only directory NDJSON alert channels may write files in. */
  alertFileDir: string
  /** The delivery worker's deadline, retries and breaker (DECNET_ALERT_*). */
  alertDelivery: Pick<DeliverySettings, 'timeoutMs' | 'maxAttempts'> & {
    retryBaseMs: number
    retryMaxMs: number
    breakerFailures: number
    breakerCooldownMs: number
  }
  /** Attacker enrichment (issue 16): the enrichment worker's databases and reverse DNS. */
  enrichment: EnrichmentConfig
  /** DECNET_ARTIFACT_EGRESS [on]: whether the artifact fetcher fetches what attackers ask deckies to download. */
  artifactEgress: boolean
  /** Who may scrape GET /metrics without a token, and the scrape token (DECNET_METRICS_*). */
  metrics: { allow: string[]; token: string | undefined }
  /** DECNET_LOG_FORMAT (json: one object a line, for journald and log shippers) and DECNET_LOG_LEVEL. */
  logging: { format: LogFormat; level: LogLevel }
  /**
   * DECNET_TLS_CERT + DECNET_TLS_KEY: the PEM pair the console serves HTTPS with; the API serves it
   * too when DECNET_API_TLS is on (exposed beyond loopback). Undefined: plain HTTP.
   */
  tls: TlsFiles | undefined
  /** Serve this API over HTTPS with `tls` (DECNET_API_TLS). */
  apiTls: boolean
}

export type TlsFiles = { certFile: string; keyFile: string }

export type EnrichmentConfig = {
  /** DECNET_GEOIP_MMDB: operator .mmdb files asked before the shipped databases (absolute paths). */
  geoipMmdb: string[]
  /** DECNET_RDNS: null (the default) keeps reverse DNS off; `servers: []` uses the system's resolvers. */
  rdns: { servers: string[] } | null
  /** DECNET_RDNS_TIMEOUT_MS, DECNET_RDNS_CONCURRENCY. */
  rdnsTimeoutMs: number
  rdnsConcurrency: number
}

export const LOG_FORMATS = ['text', 'json'] as const
export type LogFormat = (typeof LOG_FORMATS)[number]
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

function oneOf<T extends string>(
  name: string,
  allowed: readonly T[],
  fallback: T,
  env: NodeJS.ProcessEnv,
): T {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new Error(`${name} must be ${allowed.join(', ')}, got "${raw}"`)
  }
  return raw as T
}

/** Both files or neither; each must exist (a typo stops the start instead of serving plain HTTP). */
function tlsFiles(env: NodeJS.ProcessEnv): TlsFiles | undefined {
  const cert = env.DECNET_TLS_CERT?.trim()
  const key = env.DECNET_TLS_KEY?.trim()
  if (!cert && !key) return undefined
  if (!cert || !key) throw new Error('DECNET_TLS_CERT and DECNET_TLS_KEY go together: set both or neither')
  for (const [name, file] of [
    ['DECNET_TLS_CERT', cert],
    ['DECNET_TLS_KEY', key],
  ] as const) {
    if (!existsSync(file)) throw new Error(`${name}: no file at ${path.resolve(file)}`)
  }
  return { certFile: path.resolve(cert), keyFile: path.resolve(key) }
}

export const WORKER_NAMES = [
  'runner',
  'collector',
  'reconciler',
  'mutator',
  'incidents',
  'alerts',
  'correlation',
  'enrichment',
  'artifacts',
  'images',
] as const
export type WorkerName = (typeof WORKER_NAMES)[number]

function positive(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got "${raw}"`)
  return value
}

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase())
}

function port(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name} must be a TCP port (1-65535), got "${raw}"`)
  }
  return value
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const dataDir = path.resolve(env.DECNET_DATA_DIR || './data')
  const engineSetting = ZEngineSetting.safeParse(env.DECNET_ENGINE || 'auto')
  if (!engineSetting.success) {
    throw new Error(`DECNET_ENGINE must be ${ZEngineSetting.options.join(', ')}, got "${env.DECNET_ENGINE}"`)
  }
  const engine = engineSetting.data
  const tls = tlsFiles(env)
  const apiTls = flag(env.DECNET_API_TLS, false)
  if (apiTls && !tls) throw new Error('DECNET_API_TLS needs DECNET_TLS_CERT and DECNET_TLS_KEY')
  const adminUser = env.DECNET_ADMIN_USER || 'admin'
  if (!ZUsername.safeParse(adminUser).success) {
    throw new Error(`DECNET_ADMIN_USER must be 1-64 of A-Z a-z 0-9 _ . -, got "${adminUser}"`)
  }
  return {
    apiPort: port('DECNET_API_PORT', 4000, env),
    apiHost: env.DECNET_API_HOST || '127.0.0.1',
    webPort: port('DECNET_WEB_PORT', 3000, env),
    dataDir,
    databaseUrl: env.DATABASE_URL || `file:${path.join(dataDir, 'decnet.db')}`,
    engine,
    dockerHost: env.DOCKER_HOST || undefined,
    adminUser,
    adminPassword: env.DECNET_ADMIN_PASSWORD || undefined,
    sessionSecret: env.DECNET_SESSION_SECRET || undefined,
    secretKey: env.DECNET_SECRET_KEY || undefined,
    sessionTtlSeconds:
      Number(env.DECNET_SESSION_TTL_SECONDS) > 0 ? Number(env.DECNET_SESSION_TTL_SECONDS) : 4 * 3600,
    // On by default whenever the console serves HTTPS; set it behind a TLS-terminating proxy too.
    secureCookies: flag(env.DECNET_SECURE_COOKIES, tls !== undefined),
    developerMode: flag(env.DECNET_DEVELOPER_MODE, false),
    allowLocalEngineUrls: flag(env.DECNET_ALLOW_LOCAL_ENGINE_URLS, false),
    webOrigin: env.DECNET_WEB_ORIGIN || `http://127.0.0.1:${port('DECNET_WEB_PORT', 3000, env)}`,
    trustedProxies: parseTrustedProxies(env.DECNET_TRUSTED_PROXIES),
    // DECNET_DISABLE_WORKERS=collector,mutator runs those elsewhere.
    workers: Object.fromEntries(
      WORKER_NAMES.map((name) => [
        name,
        !(env.DECNET_DISABLE_WORKERS ?? '')
          .split(',')
          .map((w) => w.trim())
          .includes(name),
      ]),
    ) as Record<WorkerName, boolean>,
    collectorThread: flag(env.DECNET_COLLECTOR_THREAD, true),
    runnerLeaseMs: positive('DECNET_RUNNER_LEASE_MS', 30_000, env),
    runnerConcurrency: positive('DECNET_RUNNER_CONCURRENCY', 4, env),
    // How long a deployed decky may take to answer on every port; a loaded 2-core machine starting
    // many decoys at once needs more than a quiet one.
    readinessTimeoutMs: positive('DECNET_READINESS_TIMEOUT_MS', 60_000, env),
    hostHeartbeatMs: positive('DECNET_HOST_HEARTBEAT_MS', 10_000, env),
    reconcileMs: positive('DECNET_RECONCILE_MS', 15_000, env),
    orphanSweepMs: positive('DECNET_ORPHAN_SWEEP_MS', 60_000, env),
    repairAttempts: positive('DECNET_REPAIR_ATTEMPTS', 3, env),
    repairBackoffMs: positive('DECNET_REPAIR_BACKOFF_MS', 30_000, env),
    correlationMs: positive('DECNET_CORRELATION_MS', 60_000, env),
    alertAllowedTargets: parseAllowedTargets(env.DECNET_ALERT_ALLOWED_TARGETS),
    alertFileDir: path.resolve(env.DECNET_ALERT_FILE_DIR || path.join(dataDir, 'alerts')),
    alertDelivery: {
      timeoutMs: positive('DECNET_ALERT_TIMEOUT_MS', 10_000, env),
      maxAttempts: positive('DECNET_ALERT_MAX_ATTEMPTS', 20, env),
      retryBaseMs: positive('DECNET_ALERT_RETRY_BASE_MS', 1_000, env),
      retryMaxMs: positive('DECNET_ALERT_RETRY_MAX_MS', 600_000, env),
      breakerFailures: positive('DECNET_ALERT_BREAKER_FAILURES', 5, env),
      breakerCooldownMs: positive('DECNET_ALERT_BREAKER_COOLDOWN_MS', 30_000, env),
    },
    enrichment: {
      geoipMmdb: geoipMmdbPaths(env.DECNET_GEOIP_MMDB),
      rdns: parseRdnsSetting(env.DECNET_RDNS),
      rdnsTimeoutMs: positive('DECNET_RDNS_TIMEOUT_MS', 2_000, env),
      rdnsConcurrency: positive('DECNET_RDNS_CONCURRENCY', 4, env),
    },
    artifactEgress: flag(env.DECNET_ARTIFACT_EGRESS, true),
    metrics: {
      allow: parseAddressList('DECNET_METRICS_ALLOW', env.DECNET_METRICS_ALLOW),
      token: env.DECNET_METRICS_TOKEN || undefined,
    },
    logging: {
      format: oneOf('DECNET_LOG_FORMAT', LOG_FORMATS, 'text', env),
      level: oneOf('DECNET_LOG_LEVEL', LOG_LEVELS, 'info', env),
    },
    tls,
    apiTls,
  }
}

/** Comma-separated .mmdb paths; a missing file stops the start rather than silently enriching less. */
function geoipMmdbPaths(raw: string | undefined): string[] {
  const paths = (raw ?? '')
    .split(',')
    .map((each) => each.trim())
    .filter(Boolean)
    .map((each) => path.resolve(each))
  for (const file of paths) {
    if (!existsSync(file)) throw new Error(`DECNET_GEOIP_MMDB: no file at ${file}`)
  }
  return paths
}
