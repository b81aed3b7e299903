import { DockerEngine, type DockerEngineOptions } from './docker/engine.ts'
import { createDockerClient, probeDockerEngine } from './docker-client.ts'
import { LocalEngine, type LocalEngineOptions } from './local/engine.ts'
import type { DeckyEngine } from './types.ts'

export type EngineMode = 'auto' | 'docker' | 'local'

export type EngineSelection = {
  engine: DeckyEngine
  /** Why this engine (shown by health and the UI). */
  reason: string
}

/**
 * `DECNET_ENGINE`: `docker` and `local` are taken as given; `auto` uses Docker when its daemon
 * answers, else the embedded local engine (spec §6, §9).
 */
export async function selectEngine({
  mode = 'auto',
  docker,
  local = {},
  probeTimeoutMs = 2_000,
}: {
  mode?: EngineMode
  docker: DockerEngineOptions
  local?: LocalEngineOptions
  probeTimeoutMs?: number
}): Promise<EngineSelection> {
  if (mode === 'local') return { engine: new LocalEngine(local), reason: 'DECNET_ENGINE=local' }
  if (mode === 'docker') return { engine: new DockerEngine(docker), reason: 'DECNET_ENGINE=docker' }
  const client =
    docker.docker ?? createDockerClient(docker.dockerHost ? { dockerHost: docker.dockerHost } : {})
  const probe = await probeDockerEngine(client, probeTimeoutMs)
  if (probe.reachable) {
    return {
      engine: new DockerEngine({ ...docker, docker: client }),
      reason: `Docker ${probe.version} (API ${probe.apiVersion}) is reachable`,
    }
  }
  return {
    engine: new LocalEngine(local),
    reason: `no Docker daemon (${probe.reason}); using the local engine`,
  }
}
