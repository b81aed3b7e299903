import { probeDockerEngine } from '@decnet/lifecycle'
import { publicProcedure } from '../../trpc.ts'
import { ZGetHealthRequest, ZGetHealthResponse, type TGetHealthResponse } from './get-health.types.ts'

export const getHealthProcedure = publicProcedure
  .input(ZGetHealthRequest)
  .output(ZGetHealthResponse)
  .query(async ({ ctx }): Promise<TGetHealthResponse> => {
    const { config, docker, startedAt } = ctx.services
    const wantsDocker = config.engine !== 'local'
    const probe = wantsDocker ? await probeDockerEngine(docker, 1_000) : null
    const engineHealth = !probe
      ? { status: 'disabled' as const, detail: 'local engine selected (DECNET_ENGINE=local)' }
      : probe.reachable
        ? { status: 'up' as const, detail: `Docker ${probe.version} (API ${probe.apiVersion})` }
        : { status: 'down' as const, detail: `Docker daemon unreachable: ${probe.reason}`.slice(0, 500) }
    const engine = probe?.reachable || config.engine === 'docker' ? 'docker' : 'local'
    // With engine=docker an unreachable daemon makes deploys impossible; in auto mode we fall back.
    const status =
      engineHealth.status === 'down' ? (config.engine === 'docker' ? 'unhealthy' : 'degraded') : 'healthy'
    return {
      status,
      version: process.env.npm_package_version ?? '0.1.0',
      uptimeSeconds: Math.floor((Date.now() - startedAt.getTime()) / 1000),
      engine,
      components: { api: { status: 'up', detail: 'serving' }, engine: engineHealth },
    }
  })
