import Docker from 'dockerode'

/** Default request timeout for every Docker call: a dead daemon must never hang a caller. */
export const DOCKER_CALL_TIMEOUT_MS = 10_000

export type DockerConnection = {
  /** `unix:///path`, `tcp://host:port` or a bare socket path; defaults to $DOCKER_HOST, then the local socket. */
  dockerHost?: string
  timeoutMs?: number
}

/**
 * Creates a dockerode client. The API version is left unset so docker-modem uses unversioned paths,
 * which works against Debian's 20.10 daemon (API 1.41); pinning a newer version is refused there.
 */
export function createDockerClient({
  dockerHost,
  timeoutMs = DOCKER_CALL_TIMEOUT_MS,
}: DockerConnection = {}): Docker {
  const target = dockerHost ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'
  if (target.startsWith('tcp://')) {
    const url = new URL(target)
    return new Docker({
      host: url.hostname,
      port: Number(url.port || 2375),
      protocol: 'http',
      timeout: timeoutMs,
    })
  }
  const socketPath = target.startsWith('unix://') ? target.slice('unix://'.length) : target
  return new Docker({ socketPath, timeout: timeoutMs })
}

export type EngineProbe =
  | { reachable: true; version: string; apiVersion: string }
  | { reachable: false; reason: string }

/** Pings the daemon and reads its version, bounded by `timeoutMs`. */
export async function probeDockerEngine(docker: Docker, timeoutMs = 2_000): Promise<EngineProbe> {
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
  )
  try {
    const version = await Promise.race([docker.version(), timeout])
    return { reachable: true, version: version.Version, apiVersion: version.ApiVersion }
  } catch (error) {
    return { reachable: false, reason: error instanceof Error ? error.message : String(error) }
  }
}
