import { SERVICE_SLUGS } from '@decnet/core'
import { EMULATOR_SLUGS } from '@decnet/decoys'
import { afterAll, describe, expect, it } from 'vitest'
import { deckySpecFor, LocalEngine } from '../src/index.ts'

const engine = new LocalEngine({ onEvent: () => {}, readinessTimeoutMs: 15_000 })
afterAll(() => engine.close())

/**
 * Every catalogue service the decoys package implements must pass the readiness probe the engines
 * use ("succeeded means reachable"), on its catalogue ports: TCP connects and UDP request/response.
 */
describe('readiness probes against the real emulators', () => {
  const implemented = SERVICE_SLUGS.filter((slug) => EMULATOR_SLUGS.includes(slug))

  it.each(implemented)('%s answers the probe on its catalogue ports', async (slug) => {
    const name = `probe-${slug.replaceAll('_', '-')}`
    const spec = deckySpecFor({
      name,
      ip: '198.18.0.10',
      mac: '00:1b:21:00:00:01',
      hostname: `${name}-host`,
      osFamily: 'linux',
      services: [slug],
      serviceConfig: {},
    })
    await expect(engine.deploy(spec)).resolves.toMatchObject({ created: [`${name}.${slug}`] })
    await engine.teardown(name)
  })
})
