import type { AddressInfo } from 'node:net'
import { createDockerClient } from '@decnet/lifecycle'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.ts'
import { createApiServer, listen } from '../src/server.ts'

type Server = ReturnType<typeof createApiServer>

async function startApi(env: NodeJS.ProcessEnv): Promise<{ server: Server; base: string }> {
  const config = loadConfig({ ...env, DECNET_API_PORT: '1' })
  const docker = createDockerClient({ dockerHost: config.dockerHost })
  const server = createApiServer({ config, docker, startedAt: new Date() })
  const address: AddressInfo = await listen(server, 0, '127.0.0.1')
  return { server, base: `http://127.0.0.1:${address.port}` }
}

describe('health.get over real HTTP', () => {
  let api: { server: Server; base: string }
  let downApi: { server: Server; base: string }
  beforeAll(async () => {
    api = await startApi({ DECNET_ENGINE: 'auto' })
    downApi = await startApi({ DECNET_ENGINE: 'docker', DOCKER_HOST: 'unix:///nonexistent.sock' })
  })
  afterAll(() => {
    api.server.close()
    downApi.server.close()
  })

  it('answers plain JSON with the docker engine up and security headers set', async () => {
    const res = await fetch(`${api.base}/trpc/health.get`)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    const body = (await res.json()) as { result: { data: Record<string, unknown> } }
    expect(body.result.data).toMatchObject({
      status: 'healthy',
      engine: 'docker',
      components: { api: { status: 'up' }, engine: { status: 'up' } },
    })
  })

  it('reports unhealthy with the reason when the required docker daemon is unreachable', async () => {
    const res = await fetch(`${downApi.base}/trpc/health.get`)
    const body = (await res.json()) as { result: { data: { status: string; components: { engine: { status: string; detail: string } } } } }
    expect(body.result.data.status).toBe('unhealthy')
    expect(body.result.data.components.engine.status).toBe('down')
    expect(body.result.data.components.engine.detail).toContain('unreachable')
  })

  it('answers 404 outside /trpc and rejects unknown procedures', async () => {
    expect((await fetch(`${api.base}/`)).status).toBe(404)
    expect((await fetch(`${api.base}/trpc/nope.nope`)).status).toBe(404)
  })
})
