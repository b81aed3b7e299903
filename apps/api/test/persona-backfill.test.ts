// A decky stored before personas gets one on its first deploy: derived from its name, in the fleet's
// AD domain, keeping its host name and MAC, stored, and handed to the engine (issue 17).
import { parseFleetIni, personaForLegacyDecky, planDeploy, planRandom } from '@decnet/core'
import type { DeckyEngine, DeckySpec } from '@decnet/lifecycle'
import { describe, expect, it } from 'vitest'
import { createExecutor } from '../src/workers/executor.ts'
import { inProcessApiOfSuite, NO_WORKERS } from './support/in-process.ts'

/** The engine side is not under test here: it records the spec it is asked to deploy. */
function recordingEngine(specs: DeckySpec[]): DeckyEngine {
  return {
    kind: 'local',
    deploy: async (spec) => {
      specs.push(spec)
      return { created: [], kept: [], removed: [], reconfigured: [] }
    },
    mutate: async () => ({ created: [], kept: [], removed: [], reconfigured: [] }),
    teardown: async () => undefined,
    observe: async () => [],
    reapOrphans: async () => ({ containersRemoved: [], networksRemoved: [], errors: [] }),
  }
}

describe('personas of deckies stored before them', () => {
  const api = inProcessApiOfSuite({ env: NO_WORKERS })

  it('fleet.preview and fleet.get never show a persona seed', async () => {
    const preview = await api.admin.fleet.preview({
      ini: '[seen-01]\narchetype = linux-server\n',
      replaceFleet: false,
    })
    // The preview carries its public plan seed (for deploy to repeat its draws), never a persona (its
    // logins may name the `persona` policy, a word, not the persona).
    expect(JSON.stringify(preview)).not.toMatch(/"persona\w*"\s*:/)
    await api.admin.fleet.deploy({
      ini: '[seen-01]\narchetype = linux-server\n',
      seed: preview.seed,
      expected: { create: preview.create, keep: preview.keep, remove: preview.remove },
    })
    const stored = await api.services.db.fleet.get('seen-01')
    const shown = JSON.stringify(await api.admin.fleet.get({ name: 'seen-01' }))
    expect(stored?.persona?.seed).toMatch(/^[0-9a-f]{32}$/)
    expect(shown).not.toContain(stored?.persona?.seed ?? 'no seed')
    expect(JSON.stringify(preview)).not.toContain(stored?.persona?.seed ?? 'no seed')
    // The planner draws from HMAC(installation key, public seed): the public seed alone derives no
    // persona seed (host keys, certificates), as planning straight from it would.
    const fromPublicSeed = planDeploy({
      existing: [],
      network: { subnet: '172.31.77.0/24', gateway: '172.31.77.1' },
      ini: parseFleetIni('[seen-01]\narchetype = linux-server\n'),
      replaceFleet: false,
      random: planRandom(preview.seed),
    })
    if (!fromPublicSeed.ok) throw fromPublicSeed.error
    expect(fromPublicSeed.plan.create[0]?.persona.seed).not.toBe(stored?.persona?.seed)
  })

  it('a deploy stores a persona per decky; a persona-less row gets one on its first deploy, in the fleet domain', async () => {
    const db = api.services.db
    await api.admin.fleet.deploy({
      ini: '[general]\ndomain = kestrel.lan\n\n[new-01]\narchetype = windows-server\n',
    })
    const fresh = await db.fleet.get('new-01')
    expect(fresh?.persona).toMatchObject({
      family: 'windows_server',
      hostname: fresh?.hostname,
      mac: fresh?.mac,
    })
    expect(fresh?.persona?.domain?.dns).toBe('kestrel.lan')

    // An older database's row: no persona column value.
    await db.fleet.commitDeployPlan({
      create: [
        {
          name: 'legacy-01',
          ip: '10.99.0.50',
          mac: '00:1b:21:0a:0b:0c',
          hostname: 'SRV-ECHO-17',
          distro: 'ubuntu22',
          services: ['ssh'],
          osFamily: 'linux',
        },
      ],
    })
    const legacy = await db.fleet.get('legacy-01')
    expect(legacy?.persona).toBeNull()
    const specs: DeckySpec[] = []
    const execute = createExecutor({
      db,
      engine: recordingEngine(specs),
      network: async () => ({ driver: 'bridge', subnet: '10.99.0.0/24', gateway: '10.99.0.1' }),
    })
    const row = { id: 'x', deckyName: 'legacy-01', hostId: null, operation: 'deploy' as const }
    await execute(
      { ...row, status: 'running', attempt: 1, error: null, payload: {} },
      new AbortController().signal,
    )
    const stored = (await db.fleet.get('legacy-01'))?.persona
    if (!legacy || !stored) throw new Error('legacy decky or its persona missing')
    expect(stored).toEqual(personaForLegacyDecky(legacy, fresh?.persona?.domain))
    expect(stored).toMatchObject({ hostname: 'SRV-ECHO-17', mac: '00:1b:21:0a:0b:0c' })
    expect(stored.domain?.dns).toBe('kestrel.lan')
    expect(specs[0]?.persona).toEqual(stored)
  })
})
