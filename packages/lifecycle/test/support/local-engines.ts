import { personaForLegacyDecky } from '@decnet/core'
import { afterEach } from 'vitest'
import type { DeckySpec, LocalEngine } from '../../src/index.ts'

/** A list the test pushes its engines into; each is closed after every test. */
export function enginesClosedAfterEach(): LocalEngine[] {
  const engines: LocalEngine[] = []
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.close()
  })
  return engines
}

/** A linux decky on a fixed documentation address, running the given services. */
export function deckySpec(name: string, services: DeckySpec['services']): DeckySpec {
  return {
    name,
    ip: '198.18.0.10',
    mac: '00:1b:21:00:00:01',
    hostname: `${name}-host`,
    osFamily: 'linux',
    sysctls: {},
    services,
    seed: `seed-${name}`,
    persona: personaForLegacyDecky({
      name,
      osFamily: 'linux',
      services: services.map((service) => service.slug),
      hostname: `${name}-host`,
      mac: '00:1b:21:00:00:01',
    }),
  }
}

/** Deploys deckies `alpha` and `beta` (two addresses, two seeds) running `services`; their addresses. */
export async function deployAlphaAndBeta(
  engine: LocalEngine,
  services: DeckySpec['services'],
): Promise<{ alpha: string; beta: string }> {
  await engine.deploy(deckySpec('alpha', services))
  await engine.deploy({ ...deckySpec('beta', services), ip: '198.18.0.11', seed: 'seed-beta' })
  return { alpha: engine.addressOf('alpha') ?? '', beta: engine.addressOf('beta') ?? '' }
}
