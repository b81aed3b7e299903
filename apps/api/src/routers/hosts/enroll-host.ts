import { LOCAL_HOST_ID } from '@decnet/core'
import { TRPCError } from '@trpc/server'
import { deckyCapacity } from '../../hosts/capacity.ts'
import { assertEngineAddressAllowed } from '../../hosts/engine-address-policy.ts'
import { toHostOutput } from '../../hosts/host-output.ts'
import { engineFacts, hostEngine, probeEngineUniformly } from '../../hosts/remote-engine.ts'
import { adminProcedure } from '../../trpc.ts'
import { ZEnrollHostInput, ZEnrollHostOutput } from './enroll-host.types.ts'

/**
 * Enrolls a Docker Engine listening with --tlsverify. Its address must pass the engine address policy
 * and it must answer over mutual TLS first (a short, bounded check that fails the same way, in the
 * same time, whatever went wrong); its TLS material is stored sealed with DECNET_SECRET_KEY and never
 * returned.
 */
export const enrollHostProcedure = adminProcedure
  .input(ZEnrollHostInput)
  .output(ZEnrollHostOutput)
  .mutation(async ({ ctx, input }) => {
    const { db, secrets } = ctx.services
    if (!secrets) {
      throw new TRPCError({
        code: 'PRECONDITION_FAILED',
        message: 'set DECNET_SECRET_KEY (≥ 32 characters) so host TLS material can be stored encrypted',
      })
    }
    if (input.name === LOCAL_HOST_ID)
      throw new TRPCError({ code: 'CONFLICT', message: '"local" is the built-in host' })
    await assertEngineAddressAllowed(input.dockerUrl, ctx.services.config.allowLocalEngineUrls)
    const facts = await probeEngineUniformly(input.dockerUrl, input.tls)
    // Two runtimes on one engine would reap each other's containers as orphans.
    if (ctx.services.engine === 'docker') {
      const local = await engineFacts(ctx.services.docker, 2_000).catch(() => undefined)
      if (local?.engineId && local.engineId === facts.engineId) {
        throw new TRPCError({
          code: 'CONFLICT',
          message: 'that engine is this machine`s own: it is the built-in local host',
        })
      }
    }
    const enrolled = await db.hosts.list()
    // The same engine under another address (a name, another IP) is the same engine.
    const sameEngine = enrolled.find(
      (host) =>
        host.status !== 'decommissioned' &&
        (host.dockerUrl === input.dockerUrl || host.engine?.id === facts.engineId),
    )
    if (sameEngine) {
      throw new TRPCError({
        code: 'CONFLICT',
        message: `that engine is already enrolled as ${sameEngine.name} (${sameEngine.dockerUrl})`,
      })
    }
    // A decommissioned host's name may be enrolled again (the machine came back, reinstalled).
    const retired = enrolled.find((host) => host.name === input.name && host.status === 'decommissioned')
    if (retired) await db.hosts.delete(retired.id)
    const host = await db.hosts.create({
      name: input.name,
      dockerUrl: input.dockerUrl,
      tls: {
        ca: secrets.seal(input.tls.ca),
        cert: secrets.seal(input.tls.cert),
        key: secrets.seal(input.tls.key),
      },
      network: input.network,
      capacity: deckyCapacity(facts.memoryBytes),
      engine: hostEngine(facts),
    })
    const heartbeat = new Date()
    await db.hosts.setStatus(host.id, 'active', heartbeat)
    // Its runner, reconciler and log collection start now rather than at the next heartbeat (which
    // retries whatever fails here: the host is enrolled either way).
    await ctx.services.hosts.sync().catch(() => undefined)
    return {
      ...toHostOutput({ ...host, status: 'active', lastHeartbeat: heartbeat }, 0),
      engine: hostEngine(facts),
    }
  })
