import { execFileSync } from 'node:child_process'
import type { DeckyState } from '@decnet/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type DeckySpec,
  DockerEngine,
  type FleetStateStore,
  InProcessBus,
  type ObservedDeckyState,
  Reconciler,
} from '../src/index.ts'
import { readBanner } from './support/banner.ts'
import { deckySpec, dockerTestbed, removeInstance, tcpService } from './support/docker.ts'
import { ensureTestImage } from './support/test-image.ts'

// Real Docker: breakage is made behind the engine's back with the docker CLI, as an operator or a
// crash would, and the reconciler must notice it and converge the decky back by itself.
const { docker, instance, network } = dockerTestbed()
const networkName = `${instance}_lan`
let engine: DockerEngine
/** These tests are about what a repair does: it is queued by the first pass that sees the breakage. */
const IMMEDIATE = { confirmMs: 0 }

const gamma = deckySpec('gamma', `${network.prefix}.20`, [tcpService('ssh', 22), tcpService('http', 80)])
const specs = new Map<string, DeckySpec>([[gamma.name, gamma]])

/** The Decky table in memory; a requested repair runs at once, as the runner would run its row. */
function fleet(): FleetStateStore & { states: Map<string, DeckyState>; repairs: string[] } {
  const states = new Map<string, DeckyState>([[gamma.name, 'running']])
  const repairs: string[] = []
  return {
    states,
    repairs,
    list: async () =>
      [...states].map(([name, state]) => ({
        name,
        state,
        services: specs.get(name)?.services.map((service) => service.slug) ?? [],
      })),
    setState: async (name: string, state: ObservedDeckyState) => {
      states.set(name, state)
    },
    requestRepair: async (name) => {
      repairs.push(name)
      const spec = specs.get(name)
      if (!spec) throw new Error(`no spec for ${name}`)
      await engine.deploy(spec, network)
      states.set(name, 'running')
    },
  }
}

function containerId(name: string): string {
  return execFileSync('docker', ['inspect', '--format', '{{.Id}}', name], { encoding: 'utf8' }).trim()
}

function baseAddress(): string {
  return execFileSync(
    'docker',
    [
      'inspect',
      '--format',
      `{{with index .NetworkSettings.Networks "${networkName}"}}{{.IPAddress}}{{end}}`,
      `${instance}-gamma`,
    ],
    { encoding: 'utf8' },
  ).trim()
}

beforeAll(async () => {
  const image = await ensureTestImage(docker)
  engine = new DockerEngine({ image, instance, networkName, readinessTimeoutMs: 15_000 })
  await engine.deploy(gamma, network)
}, 180_000)

afterAll(async () => {
  await removeInstance(docker, instance)
})

describe('automatic repair on real Docker', () => {
  it('a removed decoy container is noticed and recreated; the decky answers again', async () => {
    execFileSync('docker', ['rm', '-f', '-v', `${instance}-gamma.decoy`])
    const store = fleet()
    const reconciler = new Reconciler({ engine, store, bus: new InProcessBus(), repair: IMMEDIATE })
    const pass = await reconciler.runOnce()
    expect(pass.changed).toEqual([{ name: 'gamma', from: 'running', to: 'degraded' }])
    expect(pass.repairs).toEqual(['gamma'])
    expect(await readBanner(gamma.ip, 80)).toMatch(/^http gamma /)
    expect(await readBanner(gamma.ip, 22)).toMatch(/^ssh gamma /)
    const next = await reconciler.runOnce()
    expect(next.changed).toEqual([])
    expect(next.repairs).toEqual([])
    expect(store.states.get('gamma')).toBe('running')
  }, 120_000)

  it('an exited decoy container is noticed and brought back', async () => {
    execFileSync('docker', ['stop', '-t', '1', `${instance}-gamma.decoy`])
    const store = fleet()
    const pass = await new Reconciler({ engine, store, bus: new InProcessBus(), repair: IMMEDIATE }).runOnce()
    expect(pass.repairs).toEqual(['gamma'])
    expect(await readBanner(gamma.ip, 22)).toMatch(/^ssh gamma /)
  }, 120_000)

  it('a base disconnected from its network is noticed (observe says why) and recreated with its address and services', async () => {
    const oldBase = containerId(`${instance}-gamma`)
    execFileSync('docker', ['network', 'disconnect', '-f', networkName, `${instance}-gamma`])
    const [observed] = await engine.observe(['gamma'])
    expect(observed?.state).toBe('degraded')
    expect(observed?.problems.join('; ')).toContain(`not attached to ${networkName}`)
    const store = fleet()
    const pass = await new Reconciler({ engine, store, bus: new InProcessBus(), repair: IMMEDIATE }).runOnce()
    expect(pass.repairs).toEqual(['gamma'])
    expect(containerId(`${instance}-gamma`)).not.toBe(oldBase)
    expect(baseAddress()).toBe(gamma.ip)
    expect(await readBanner(gamma.ip, 22)).toMatch(/^ssh gamma /)
    expect(await readBanner(gamma.ip, 80)).toMatch(/^http gamma /)
    expect((await engine.observe(['gamma']))[0]?.state).toBe('up')
  }, 120_000)
})
