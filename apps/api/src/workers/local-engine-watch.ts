import { probeDockerEngine } from '@decnet/lifecycle'
import type Docker from 'dockerode'

/** The local engine as last seen: answering (with its version) or not (with why). */
export type LocalEngineState = { up: true; version: string } | { up: false; reason: string }

/**
 * Pings the local Docker engine every `intervalMs`, so requests (placement, hosts.list) read its state
 * instead of waiting on Docker. The in-process local engine is always up.
 */
export async function watchLocalEngine(
  kind: 'docker' | 'local',
  docker: Docker,
  intervalMs: number,
): Promise<{ state(): LocalEngineState; stop(): void }> {
  if (kind === 'local') {
    const state: LocalEngineState = { up: true, version: `local engine (node ${process.versions.node})` }
    return { state: () => state, stop: () => undefined }
  }
  const probe = async (): Promise<LocalEngineState> => {
    const result = await probeDockerEngine(docker, Math.min(2_000, intervalMs))
    return result.reachable ? { up: true, version: result.version } : { up: false, reason: result.reason }
  }
  let current = await probe()
  let probing = false
  const timer = setInterval(() => {
    if (probing) return
    probing = true
    void probe()
      .then((next) => {
        current = next
      })
      .finally(() => {
        probing = false
      })
  }, intervalMs)
  timer.unref()
  return { state: () => current, stop: () => clearInterval(timer) }
}
