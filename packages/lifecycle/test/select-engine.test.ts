import { describe, expect, it } from 'vitest'
import { selectEngine } from '../src/index.ts'

const image = 'decnet/decoy:any'

describe('selectEngine', () => {
  it('auto: Docker when the daemon answers, the local engine when it does not', async () => {
    const reachable = await selectEngine({ docker: { image } })
    expect(reachable.engine.kind).toBe('docker')
    expect(reachable.reason).toMatch(/^Docker \S+ \(API 1\.\d+\) is reachable$/)

    const absent = await selectEngine({ docker: { image, dockerHost: 'unix:///nonexistent/docker.sock' } })
    expect(absent.engine.kind).toBe('local')
    expect(absent.reason).toMatch(/^no Docker daemon \(.*ENOENT.*\); using the local engine$/)
  })

  it('docker and local are taken as given, without probing', async () => {
    const forced = await selectEngine({
      mode: 'docker',
      docker: { image, dockerHost: 'unix:///nonexistent/docker.sock' },
    })
    expect(forced).toMatchObject({ reason: 'DECNET_ENGINE=docker' })
    expect(forced.engine.kind).toBe('docker')
    expect((await selectEngine({ mode: 'local', docker: { image } })).engine.kind).toBe('local')
  })
})
