import type { DecnetDatabase } from '@decnet/db'
import { engineFacts, remoteDocker } from '../hosts/remote-engine.ts'
import type { SecretBox } from '../hosts/secret-box.ts'

export type HostHeartbeatOptions = {
  db: DecnetDatabase
  secrets: SecretBox
  intervalMs: number
  /** Consecutive missed beats before a host is marked unreachable. */
  missesAllowed?: number
  log: (line: string) => void
}

/**
 * Pings every enrolled host's engine over mutual TLS each interval: an answer marks it active (with the
 * heartbeat time), `missesAllowed` misses in a row mark it unreachable, and the next answer brings it back.
 */
export function startHostHeartbeat({
  db,
  secrets,
  intervalMs,
  missesAllowed = 3,
  log,
}: HostHeartbeatOptions) {
  const misses = new Map<string, number>()
  const timeoutMs = Math.max(500, Math.floor(intervalMs * 0.8))
  const beatOnce = async () => {
    for (const host of await db.hosts.list()) {
      if (host.status === 'decommissioning' || !host.tls) continue
      try {
        const tls = {
          ca: secrets.open(host.tls.ca),
          cert: secrets.open(host.tls.cert),
          key: secrets.open(host.tls.key),
        }
        await engineFacts(remoteDocker(host.dockerUrl, tls, timeoutMs), timeoutMs)
        misses.set(host.id, 0)
        await db.hosts.setStatus(host.id, 'active', new Date())
        if (host.status === 'unreachable') log(`decnet hosts: ${host.name} answers again`)
      } catch (error) {
        const missed = (misses.get(host.id) ?? 0) + 1
        misses.set(host.id, missed)
        if (missed >= missesAllowed && host.status !== 'unreachable') {
          await db.hosts.setStatus(host.id, 'unreachable')
          log(
            `decnet hosts: ${host.name} unreachable after ${missed} missed heartbeats: ${(error as Error).message}`,
          )
        }
      }
    }
  }
  let running = Promise.resolve()
  const timer = setInterval(() => {
    running = running
      .then(beatOnce)
      .catch((error: unknown) => log(`decnet hosts: heartbeat failed: ${String(error)}`))
  }, intervalMs)
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
