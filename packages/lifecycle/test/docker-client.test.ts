import { describe, expect, it } from 'vitest'
import { createDockerClient, probeDockerEngine } from '../src/index.ts'

describe('createDockerClient', () => {
  it('never falls back to a socket without TLS when mutual TLS was asked for', () => {
    const tls = { ca: 'ca', cert: 'cert', key: 'key' }
    expect(() => createDockerClient({ dockerHost: 'unix:///var/run/docker.sock', tls })).toThrow(/tcp:\/\//)
    const modem = createDockerClient({ dockerHost: 'tcp://127.0.0.1:2376', tls }).modem as unknown as {
      protocol: string
      cert: string
    }
    expect(modem).toMatchObject({ protocol: 'https', cert: 'cert' })
  })
})

describe('probeDockerEngine', () => {
  it('reports the real local daemon as reachable with its API version', async () => {
    const probe = await probeDockerEngine(createDockerClient())
    expect(probe.reachable).toBe(true)
    if (probe.reachable) expect(Number(probe.apiVersion)).toBeGreaterThanOrEqual(1.41)
  })

  it('reports an absent daemon as unreachable with a reason instead of hanging', async () => {
    const probe = await probeDockerEngine(
      createDockerClient({ dockerHost: 'unix:///nonexistent/docker.sock' }),
    )
    expect(probe).toMatchObject({ reachable: false })
    if (!probe.reachable) expect(probe.reason).toMatch(/ENOENT|no answer/)
  })
})
