import type { DecnetDatabase, Host } from '@decnet/db'
import { deckyCapacity } from '../hosts/capacity.ts'
import { engineFacts, hostEngine, hostTls, remoteDocker } from '../hosts/remote-engine.ts'
import type { SecretBox } from '../secrets/secret-box.ts'

export type HostHeartbeatOptions = {
  db: DecnetDatabase
  secrets: SecretBox
  intervalMs: number
  /** Consecutive missed beats before a host is marked unreachable. */
  missesAllowed?: number
  /** After a host was marked unreachable (its workers stop, its unfinished rows fail). */
  onUnreachable?: (host: Host, reason: string) => Promise<void>
  /** A host being decommissioned stopped answering: its teardowns cannot finish (it stays decommissioning). */
  onLostWhileDecommissioning?: (host: Host, reason: string) => Promise<void>
  /** After a beat round: hosts may have come back (their workers start again). */
  onRound?: () => Promise<void>
  /** Decommissioned hosts still asked each round: they were left running containers of ours. */
  leftoverHosts?: () => Promise<Set<string>>
  /** One of those answered (its status stays decommissioned). */
  onLeftoversReachable?: (host: Host) => Promise<void>
  log: (line: string) => void
}

/** Hosts that are not pinged: gone for good, or never given TLS material. */
const SILENT = new Set(['decommissioned'])

/**
 * Pings every enrolled host's engine over mutual TLS each interval: an answer marks it active (with the
 * heartbeat time), `missesAllowed` misses in a row mark it unreachable, and the next answer brings it back.
 * A decommissioning host keeps that status either way: its teardowns fail while it does not answer,
 * and its clean-up finishes once it answers again.
 */
export function startHostHeartbeat({
  db,
  secrets,
  intervalMs,
  missesAllowed = 3,
  onUnreachable,
  onLostWhileDecommissioning,
  onRound,
  leftoverHosts,
  onLeftoversReachable,
  log,
}: HostHeartbeatOptions) {
  const misses = new Map<string, number>()
  /** Decommissioning hosts whose silence was already passed on (until they answer again). */
  const reported = new Set<string>()
  const timeoutMs = Math.max(500, Math.floor(intervalMs * 0.8))
  const beat = async (host: Host) => {
    const decommissioning = host.status === 'decommissioning'
    try {
      const facts = await engineFacts(
        remoteDocker(host.dockerUrl, hostTls(host, secrets), timeoutMs),
        timeoutMs,
      )
      misses.set(host.id, 0)
      reported.delete(host.id)
      // Kept current: an engine upgraded or given more memory shows (and places) as it now is.
      const answer = { engine: hostEngine(facts), capacity: deckyCapacity(facts.memoryBytes) }
      // Conditional on the status read at the start of the round: a decommission that landed while
      // this ping was in flight is not undone.
      const moved = decommissioning
        ? await db.hosts.setStatusIf(host.id, ['decommissioning'], 'decommissioning', new Date(), answer)
        : await db.hosts.setStatusIf(
            host.id,
            ['active', 'unreachable', 'enrolled'],
            'active',
            new Date(),
            answer,
          )
      if (moved && host.status === 'unreachable') log(`decnet hosts: ${host.name} answers again`)
    } catch (error) {
      const missed = (misses.get(host.id) ?? 0) + 1
      misses.set(host.id, missed)
      if (missed < missesAllowed || host.status === 'unreachable') return
      const reason = `host ${host.name} stopped answering (${missed} missed heartbeats): ${(error as Error).message}`
      if (decommissioning) {
        // It stays decommissioning (cleaned up when it answers again); the news is passed on once, even
        // when the decommission landed after the miss that crossed the limit.
        if (!reported.has(host.id)) {
          reported.add(host.id)
          log(`decnet hosts: ${reason}`)
          await onLostWhileDecommissioning?.(host, reason.slice(0, 500))
        }
        return
      }
      log(`decnet hosts: ${reason}`)
      if (await db.hosts.setStatusIf(host.id, ['active', 'enrolled'], 'unreachable')) {
        await onUnreachable?.(host, reason.slice(0, 500))
      }
    }
  }
  /** A decommissioned host left running containers: only whether it answers matters (nothing is updated). */
  const askRetired = async (host: Host) => {
    try {
      await engineFacts(remoteDocker(host.dockerUrl, hostTls(host, secrets), timeoutMs), timeoutMs)
    } catch {
      return
    }
    // In the background: a slow sweep must not hold up the heartbeat of the hosts in use.
    void onLeftoversReachable?.(host).catch((error: unknown) =>
      log(`decnet hosts: leftovers of ${host.name}: ${String(error)}`),
    )
  }
  const beatOnce = async () => {
    const all = await db.hosts.list()
    const retired = leftoverHosts ? await leftoverHosts() : new Set<string>()
    await Promise.all(
      all
        .filter((host) => retired.has(host.id))
        .map((host) =>
          askRetired(host).catch((error: unknown) =>
            log(`decnet hosts: leftovers of ${host.name}: ${String(error)}`),
          ),
        ),
    )
    const hosts = all.filter((host) => !SILENT.has(host.status) && host.tls)
    // In parallel: one dead host must not delay noticing another.
    await Promise.all(
      hosts.map((host) =>
        beat(host).catch((error: unknown) =>
          log(`decnet hosts: heartbeat of ${host.name}: ${String(error)}`),
        ),
      ),
    )
    await onRound?.()
  }
  // A round still going at the next tick (slow database, many hosts) makes that tick skip, not queue.
  let running: Promise<void> | undefined
  const timer = setInterval(() => {
    if (running) return
    running = beatOnce()
      .catch((error: unknown) => log(`decnet hosts: heartbeat failed: ${String(error)}`))
      .finally(() => {
        running = undefined
      })
  }, intervalMs)
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
