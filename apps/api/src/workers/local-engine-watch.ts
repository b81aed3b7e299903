import type { EngineKind } from '@decnet/core'
import { probeDockerEngine } from '@decnet/lifecycle'
import type Docker from 'dockerode'

/** The local engine as last pinged: answering (with its version) or not (with why); when it last answered. */
export type LocalEngineState = { answeredAt: Date | null } & (
  | { up: true; version: string }
  | { up: false; reason: string }
)

/**
 * Pings the local Docker engine every `intervalMs`, so requests (placement, hosts.list) read its state
 * instead of waiting on Docker. The in-process local engine is always up.
 */
export async function watchLocalEngine(
  kind: EngineKind,
  docker: Docker,
  intervalMs: number,
): Promise<{ state(): LocalEngineState; stop(): void }> {
  if (kind === 'local') {
    const version = `local engine (node ${process.versions.node})`
    return { state: () => ({ answeredAt: new Date(), up: true, version }), stop: () => undefined }
  }
  let current: LocalEngineState = { answeredAt: null, up: false, reason: 'not pinged yet' }
  const probe = async (): Promise<void> => {
    const result = await probeDockerEngine(docker, Math.min(2_000, intervalMs))
    current = result.reachable
      ? { answeredAt: new Date(), up: true, version: result.version }
      : { answeredAt: current.answeredAt, up: false, reason: result.reason }
  }
  await probe()
  let probing = false
  const timer = setInterval(() => {
    if (probing) return
    probing = true
    void probe().finally(() => {
      probing = false
    })
  }, intervalMs)
  timer.unref()
  return { state: () => current, stop: () => clearInterval(timer) }
}
