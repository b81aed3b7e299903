import type { Host, HostEngine } from '@decnet/db'
import { createDockerClient, type DockerTls } from '@decnet/lifecycle'
import type Docker from 'dockerode'
import { AppError } from '../app-error.ts'
import type { SecretBox } from '../secrets/secret-box.ts'

export type TlsMaterial = DockerTls

/** A Docker Engine on another machine, reached over HTTPS with a client certificate (mutual TLS). */
export function remoteDocker(dockerUrl: string, tls: TlsMaterial, timeoutMs = 10_000): Docker {
  return createDockerClient({ dockerHost: dockerUrl.replace(/^https:/, 'tcp:'), tls, timeoutMs })
}

/** An enrolled host's TLS material, unsealed (kept in memory only, never logged or returned). */
export function hostTls(host: Host, secrets: SecretBox): TlsMaterial {
  if (!host.tls) throw new Error(`host ${host.name} has no TLS material`)
  return { ca: secrets.open(host.tls.ca), cert: secrets.open(host.tls.cert), key: secrets.open(host.tls.key) }
}

const MIB = 1024 * 1024

/** The facts the Host row keeps (memory in MiB). */
export function hostEngine(facts: EngineFacts): HostEngine {
  return {
    id: facts.engineId,
    version: facts.version,
    cpus: facts.cpus,
    memoryMiB: Math.floor(facts.memoryBytes / MIB),
  }
}

export type EngineFacts = {
  /** Identifies the daemon (`docker info` ID and data root): two addresses of one engine share it. */
  engineId: string
  version: string
  apiVersion: string
  cpus: number
  memoryBytes: number
}

/** Asks the engine who it is, within `timeoutMs`; rejects with the reason when it does not answer. */
export async function engineFacts(docker: Docker, timeoutMs = 5_000): Promise<EngineFacts> {
  const deadline = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
  )
  const [version, info] = await Promise.race([Promise.all([docker.version(), docker.info()]), deadline])
  return {
    // Daemons on one machine share the trust key behind ID; their data roots tell them apart.
    engineId: `${String(info.ID ?? '')}:${String(info.DockerRootDir ?? '')}`,
    version: version.Version,
    apiVersion: version.ApiVersion,
    cpus: Number(info.NCPU ?? 0),
    memoryBytes: Number(info.MemTotal ?? 0),
  }
}

/** How long an enrollment's check of an engine may take; a failure is answered after all of it. */
export const ENGINE_PROBE_MS = 5_000

/**
 * The engine's facts, or one error whatever failed (refused, timed out, TLS handshake, not Docker,
 * no such name), answered only once the whole probe time has passed, so enroll cannot be used to map
 * which ports are open on the networks this API reaches.
 */
export async function probeEngineUniformly(
  dockerUrl: string,
  tls: TlsMaterial,
  probeMs = ENGINE_PROBE_MS,
): Promise<EngineFacts> {
  const started = Date.now()
  try {
    return await engineFacts(remoteDocker(dockerUrl, tls, probeMs), probeMs)
  } catch {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + probeMs - Date.now())))
    throw new AppError(
      'invalid_input',
      `could not reach a Docker engine with these certificates at ${dockerUrl}`,
    )
  }
}
