import { probeDockerEngine } from '@decnet/lifecycle'
import type { ApiServices } from '../../context.ts'
import { publicProcedure } from '../../trpc.ts'
import {
  type TComponentHealth,
  type TGetHealthOutput,
  ZGetHealthInput,
  ZGetHealthOutput,
} from './get-health.types.ts'

/** A worker whose last heartbeat is older than this is reported down. */
const HEARTBEAT_STALE_MS = 30_000
const WORKERS = ['runner', 'collector', 'reconciler', 'mutator'] as const
/** Writes stuck this long behind another process's database lock are mentioned. */
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
      return { status: 'up', detail: `${name}; writes waiting ${seconds} s for another process's lock` }
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

async function workerHealth(
  services: ApiServices,
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
      return [worker, { status: 'down', detail: (beat.detail ?? 'failing').slice(0, 500) }]
    return [worker, { status: 'up', detail: (beat.detail ?? 'ok').slice(0, 500) }]
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

/** Public on purpose (load balancers, the login page): it reveals states, never secrets. */
export const getHealthProcedure = publicProcedure
  .input(ZGetHealthInput)
  .output(ZGetHealthOutput)
  .query(async ({ ctx }): Promise<TGetHealthOutput> => {
    const { services } = ctx
    const [database, engine, workers, hosts] = await Promise.all([
      databaseHealth(services),
      engineHealth(services),
      workerHealth(services),
      hostsHealth(services, ctx.session !== null),
    ])
    const components = {
      api: { status: 'up' as const, detail: 'serving' },
      database,
      engine,
      ...workers,
      hosts,
    }
    const down = Object.entries(components).filter(([, component]) => component.status === 'down')
    const status = down.some(([name]) => CRITICAL.has(name))
      ? 'unhealthy'
      : down.length > 0
        ? 'degraded'
        : 'healthy'
    return {
      status,
      version: services.version,
      uptimeSeconds: Math.floor((Date.now() - services.startedAt.getTime()) / 1000),
      engine: services.engine,
      components,
    }
  })
