import Docker from 'dockerode'

/** Default request timeout for every Docker call: a dead daemon must never hang a caller. */
export const DOCKER_CALL_TIMEOUT_MS = 10_000

/** PEM client certificate, key and the CA that signed the daemon's certificate (mutual TLS). */
export type DockerTls = { ca: string; cert: string; key: string }

export type DockerConnection = {
  /** `unix:///path`, `tcp://host:port` or a bare socket path; defaults to $DOCKER_HOST, then the local socket. */
  dockerHost?: string
  /** With `tcp://`, speak HTTPS and present this client certificate (a daemon run with --tlsverify). */
  tls?: DockerTls
  timeoutMs?: number
}

/**
 * Creates a dockerode client. The API version is left unset so docker-modem uses unversioned paths,
 * which works against Debian's 20.10 daemon (API 1.41); pinning a newer version is refused there.
 */
export function createDockerClient({
  dockerHost,
  tls,
  timeoutMs = DOCKER_CALL_TIMEOUT_MS,
}: DockerConnection = {}): Docker {
  const target = dockerHost ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'
  if (tls && !/^(tcp|https):\/\//.test(target)) {
    // Never fall back to an unauthenticated transport when mutual TLS was asked for.
    throw new Error(`mutual TLS needs a tcp:// engine address, not ${JSON.stringify(target)}`)
  }
  if (target.startsWith('tcp://') || target.startsWith('https://')) {
    const url = new URL(target)
    if (tls) {
      return new Docker({
        protocol: 'https',
        host: url.hostname,
        port: Number(url.port || 2376),
        ca: tls.ca,
        cert: tls.cert,
        key: tls.key,
        timeout: timeoutMs,
      })
    }
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
