import { LOCAL_HOST_ID, type ZHostEnrollRequest } from '@decnet/core'
import type { Host, HostEngine } from '@decnet/db'
import type { z } from 'zod'
import { AppError } from '../app-error.ts'
import type { ApiServices } from '../context.ts'
import { deckyCapacity } from './capacity.ts'
import { assertEngineAddressAllowed } from './engine-address-policy.ts'
import { engineFacts, hostEngine, probeEngineUniformly } from './remote-engine.ts'

/** The host as stored (active since now) and what its engine reported. */
export type EnrolledHost = { host: Host; engine: HostEngine }

/**
 * Enrolls a Docker Engine listening with --tlsverify. Its address must pass the engine address policy
 * and it must answer over mutual TLS first (a short, bounded check that fails the same way, in the
 * same time, whatever went wrong); it may be neither this machine's own engine nor one enrolled
 * already. Its TLS material is stored sealed with DECNET_SECRET_KEY and never returned.
 */
export async function enrollHost(
  services: Pick<ApiServices, 'db' | 'secrets' | 'config' | 'engine' | 'docker' | 'hosts'>,
  request: z.infer<typeof ZHostEnrollRequest>,
): Promise<EnrolledHost> {
  const { db, secrets } = services
  if (!secrets) {
    throw new AppError(
      'precondition_failed',
      'set DECNET_SECRET_KEY (≥ 32 characters) so host TLS material can be stored encrypted',
    )
  }
  if (request.name === LOCAL_HOST_ID) throw new AppError('conflict', '"local" is the built-in host')
  await assertEngineAddressAllowed(request.dockerUrl, services.config.allowLocalEngineUrls)
  const facts = await probeEngineUniformly(request.dockerUrl, request.tls)
  // Two runtimes on one engine would reap each other's containers as orphans.
  if (services.engine === 'docker') {
    const local = await engineFacts(services.docker, 2_000).catch(() => undefined)
    if (local?.engineId && local.engineId === facts.engineId) {
      throw new AppError('conflict', 'that engine is this machine`s own: it is the built-in local host')
    }
  }
  const enrolled = await db.hosts.list()
  // The same engine under another address (a name, another IP) is the same engine.
  const sameEngine = enrolled.find(
    (host) =>
      host.status !== 'decommissioned' &&
      (host.dockerUrl === request.dockerUrl || host.engine?.id === facts.engineId),
  )
  if (sameEngine) {
    throw new AppError(
      'conflict',
      `that engine is already enrolled as ${sameEngine.name} (${sameEngine.dockerUrl})`,
    )
  }
  // A decommissioned host's name may be enrolled again (the machine came back, reinstalled).
  const retired = enrolled.find((host) => host.name === request.name && host.status === 'decommissioned')
  if (retired) await db.hosts.delete(retired.id)
  const host = await db.hosts.create({
    name: request.name,
    dockerUrl: request.dockerUrl,
    tls: {
      ca: secrets.seal(request.tls.ca),
      cert: secrets.seal(request.tls.cert),
      key: secrets.seal(request.tls.key),
    },
    network: request.network,
    capacity: deckyCapacity(facts.memoryBytes),
    engine: hostEngine(facts),
  })
  const heartbeat = new Date()
  await db.hosts.setStatus(host.id, 'active', heartbeat)
  // Its runner, reconciler and log collection start now rather than at the next heartbeat (which
  // retries whatever fails here: the host is enrolled either way).
  await services.hosts.sync().catch(() => undefined)
  return { host: { ...host, status: 'active', lastHeartbeat: heartbeat }, engine: hostEngine(facts) }
}
