import Docker from 'dockerode'

export type TlsMaterial = { ca: string; cert: string; key: string }

/** A Docker Engine on another machine, reached over HTTPS with a client certificate (mutual TLS). */
export function remoteDocker(dockerUrl: string, tls: TlsMaterial, timeoutMs = 10_000): Docker {
  const url = new URL(dockerUrl.replace(/^tcp:/, 'https:'))
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

export type EngineFacts = { version: string; apiVersion: string; cpus: number; memoryBytes: number }

/** Asks the engine who it is, within `timeoutMs`; rejects with the reason when it does not answer. */
export async function engineFacts(docker: Docker, timeoutMs = 5_000): Promise<EngineFacts> {
  const deadline = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
  )
  const [version, info] = await Promise.race([Promise.all([docker.version(), docker.info()]), deadline])
  return {
    version: version.Version,
    apiVersion: version.ApiVersion,
    cpus: Number(info.NCPU ?? 0),
    memoryBytes: Number(info.MemTotal ?? 0),
  }
}
