import { probeDockerEngine } from '@decnet/lifecycle'
import type { ApiServices } from '../context.ts'
import type { TComponentHealth, TGetHealthOutput } from '../routers/health/get-health.types.ts'

/** A worker whose last heartbeat is older than this is reported down. */
export const HEARTBEAT_STALE_MS = 30_000
const WORKERS = ['runner', 'collector', 'reconciler', 'mutator', 'alerts', 'enrichment'] as const
/** Writes stuck this long behind another process's database lock make the database degraded. */
const WRITE_WAIT_REPORTED_MS = 1_000
/** Without these, deploys cannot happen at all. */
const CRITICAL = new Set(['database', 'engine', 'runner'])

async function databaseHealth(services: ApiServices): Promise<TComponentHealth> {
  const name = services.db.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'
  try {
    // Bounded (PING_DEADLINE_MS) and on the read connection: answers while writes wait for a lock.
    const { writeLockWaitMs } = await services.db.ping()
    if (writeLockWaitMs >= WRITE_WAIT_REPORTED_MS) {
      const seconds = Math.round(writeLockWaitMs / 1000)
      return { status: 'degraded', detail: `${name}; writes waiting ${seconds} s for another process's lock` }
    }
    return { status: 'up', detail: name }
  } catch {
    return { status: 'down', detail: 'the database does not answer' }
  }
}

async function engineHealth(services: ApiServices): Promise<TComponentHealth> {
  if (services.engine === 'local')
    return { status: 'up', detail: 'local engine (in-process decoys on loopback; no OS shaping)' }
  const probe = await probeDockerEngine(services.docker, 1_000)
  return probe.reachable
    ? { status: 'up', detail: `Docker ${probe.version} (API ${probe.apiVersion})` }
    : { status: 'down', detail: `Docker daemon unreachable: ${probe.reason}`.slice(0, 500) }
}

/**
 * A worker's heartbeat line carries counts (events ingested, containers followed, queue depth); only
 * signed-in callers get it. Anyone else gets the state in words that say nothing about the fleet.
 */
async function workerHealth(
  services: ApiServices,
  signedIn: boolean,
): Promise<Record<(typeof WORKERS)[number], TComponentHealth>> {
  const beats = new Map(
    (await services.db.heartbeats.list().catch(() => [])).map((beat) => [beat.worker, beat]),
  )
  const now = Date.now()
  const entries = WORKERS.map((worker): [string, TComponentHealth] => {
    if (!services.config.workers[worker])
      return [worker, { status: 'disabled', detail: 'disabled in this process' }]
    const beat = beats.get(worker)
    if (!beat) return [worker, { status: 'down', detail: 'no heartbeat yet' }]
    const age = now - beat.beatAt.getTime()
    if (age > HEARTBEAT_STALE_MS)
      return [worker, { status: 'down', detail: `last heartbeat ${Math.round(age / 1000)} s ago` }]
    if (beat.status === 'failed')
      return [
        worker,
        { status: 'down', detail: signedIn ? (beat.detail ?? 'failing').slice(0, 500) : 'failing' },
      ]
    if (beat.status === 'degraded')
      return [
        worker,
        { status: 'degraded', detail: signedIn ? (beat.detail ?? 'degraded').slice(0, 500) : 'degraded' },
      ]
    return [worker, { status: 'up', detail: signedIn ? (beat.detail ?? 'ok').slice(0, 500) : 'running' }]
  })
  return Object.fromEntries(entries) as Record<(typeof WORKERS)[number], TComponentHealth>
}

/** Counts only for signed-in callers: anyone may ask health.get, and fleet size is not theirs to know. */
async function hostsHealth(services: ApiServices, signedIn: boolean): Promise<TComponentHealth> {
  const hosts = (await services.db.hosts.list().catch(() => [])).filter(
    (host) => host.status !== 'decommissioned',
  )
  if (hosts.length === 0) return { status: 'disabled', detail: 'no enrolled hosts (local only)' }
  const unreachable = hosts.filter((host) => host.status === 'unreachable').length
  if (!signedIn) {
    return unreachable > 0
      ? { status: 'down', detail: 'an enrolled host is unreachable' }
      : { status: 'up', detail: 'enrolled hosts answering' }
  }
  const of = `${hosts.length} enrolled ${hosts.length === 1 ? 'host' : 'hosts'}`
  return unreachable > 0
    ? { status: 'down', detail: `${unreachable} of ${of} unreachable` }
    : { status: 'up', detail: `${of} answering` }
}

/** Recorded states of a decky that is not doing its job (or that nobody can tell about). */
const NOT_RUNNING = new Set(['degraded', 'missing', 'failed', 'unknown'])

/**
 * The deckies as the reconciler and the runner last recorded them. Anonymous callers learn only
 * whether all run: fleet size and decky names are for signed-in users.
 */
async function deckiesHealth(services: ApiServices, signedIn: boolean): Promise<TComponentHealth> {
  const deckies = await services.db.fleet.list().catch(() => undefined)
  if (!deckies) return { status: 'down', detail: 'the fleet cannot be read' }
  const broken = deckies.filter((decky) => NOT_RUNNING.has(decky.state))
  if (!signedIn) {
    return broken.length > 0
      ? { status: 'degraded', detail: 'some deckies are not running' }
      : { status: 'up', detail: 'deckies running' }
  }
  if (broken.length === 0) {
    return {
      status: 'up',
      detail: `${deckies.length} ${deckies.length === 1 ? 'decky' : 'deckies'}, none broken`,
    }
  }
  const named = broken
    .slice(0, 10)
    .map((decky) => `${decky.name} ${decky.state}`)
    .join(', ')
  const more = broken.length > 10 ? ', …' : ''
  return {
    status: 'degraded',
    detail: `${broken.length} of ${deckies.length} deckies not running: ${named}${more}`.slice(0, 500),
  }
}

/**
 * The state of every component. Anyone may ask (load balancers, the login page): it reveals states,
 * never secrets; counts and names only to signed-in callers.
 */
export async function healthReport(services: ApiServices, signedIn: boolean): Promise<TGetHealthOutput> {
  const [database, engine, workers, hosts, deckies] = await Promise.all([
    databaseHealth(services),
    engineHealth(services),
    workerHealth(services, signedIn),
    hostsHealth(services, signedIn),
    deckiesHealth(services, signedIn),
  ])
  const components = {
    api: { status: 'up' as const, detail: 'serving' },
    database,
    engine,
    ...workers,
    hosts,
    deckies,
  }
  const down = Object.entries(components).filter(([, component]) => component.status === 'down')
  const degraded = Object.values(components).some((component) => component.status === 'degraded')
  const status = down.some(([name]) => CRITICAL.has(name))
    ? 'unhealthy'
    : down.length > 0 || degraded
      ? 'degraded'
      : 'healthy'
  return {
    status,
    version: services.version,
    uptimeSeconds: Math.floor((Date.now() - services.startedAt.getTime()) / 1000),
    engine: services.engine,
    components,
  }
}
