// Custom services and live service edits on real Docker with the real decoy image (issue 23): a
// locally built echo image runs as a decky's custom service, answers on its port, and its output
// lands in Logs through the real collector; adding and removing services on a running decky applies
// them live in its decoy process (built-in) or as containers (custom), so a real OpenSSH session to
// its ssh decoy stays connected.
import type { CustomService } from '@decnet/core'
import { sqliteTestDatabase } from '@decnet/db/testing'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { holdShell } from '../../decoys/test/support/ssh-client.ts'
import { type DeckySpec, DockerEngine } from '../src/index.ts'
import { DockerLogCollector, IngestPipeline } from '../src/workers-index.ts'
import { buildDecoyImage } from './support/decoy-image.ts'
import { deckySpec, dockerTestbed, removeInstance, tcpService } from './support/docker.ts'
import { ensureEchoImage } from './support/echo-image.ts'
import { echoLine } from './support/echo-server.ts'

const { docker, instance, network } = dockerTestbed()
const provider = sqliteTestDatabase()
let decoyImage: string
let echoImage: string

beforeAll(async () => {
  decoyImage = buildDecoyImage()
  echoImage = await ensureEchoImage(docker, decoyImage)
}, 300_000)

afterAll(async () => {
  await removeInstance(docker, instance)
  await provider.cleanup()
})

const waitUntil = <T>(probe: () => T | Promise<T>, timeout = 30_000) =>
  vi.waitFor(probe, { timeout, interval: 100 })

const engine = () =>
  new DockerEngine({
    image: decoyImage,
    instance,
    networkName: `${instance}_lan`,
    readinessTimeoutMs: 60_000,
  })

const echoService = (port: number): CustomService => ({
  name: 'custom-echo',
  image: echoImage,
  ports: [{ port, protocol: 'tcp' }],
  command: [],
  env: { ECHO_PORT: String(port) },
})

const ssh = tcpService('ssh', 22, { password: 'admin' })

/** The decky's containers besides its base: the decoy (all built-in services) and each custom service. */
async function containersOf(decky: string): Promise<Map<string, string>> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`decnet.instance=${instance}`, `decnet.decky=${decky}`] },
  })
  return new Map(
    list
      .filter((container) => container.Labels['decnet.role'] !== 'base')
      .map((container) => [
        container.Labels['decnet.service'] ?? container.Labels['decnet.role'] ?? '',
        container.Id,
      ]),
  )
}

describe('custom services on real Docker', () => {
  it('a locally built image deploys as a confined custom service, answers on its port, and its output lands in Logs as raw rows', async () => {
    const { db } = await provider.open()
    const pipeline = new IngestPipeline({ db, flushIntervalMs: 50 })
    const collector = new DockerLogCollector({
      pipeline,
      settings: db.settings,
      instance,
      rescanIntervalMs: 1_000,
      onError: () => undefined,
    })
    await collector.start()
    try {
      const address = `${network.prefix}.21`
      const spec: DeckySpec = { ...deckySpec('cust-01', address, [ssh]), customServices: [echoService(7007)] }
      // deploy resolves only once every port answered the readiness probe, 7007 included.
      const report = await engine().deploy(spec, network)
      expect(report.created).toContain(`${instance}-cust-01.custom-echo`)
      expect(await echoLine(address, 7007, 'ping-42')).toBe('echo: ping-42')

      const container = (await containersOf('cust-01')).get('custom-echo')
      if (!container) throw new Error('no custom-echo container')
      const info = await docker.getContainer(container).inspect()
      const base = (await docker.getContainer(`${instance}-cust-01`).inspect()).Id
      expect({
        network: info.HostConfig.NetworkMode,
        capDrop: info.HostConfig.CapDrop,
        capAdd: info.HostConfig.CapAdd ?? null,
        privileged: info.HostConfig.Privileged,
        readOnly: info.HostConfig.ReadonlyRootfs,
        binds: info.HostConfig.Binds ?? null,
        mounts: info.Mounts.map((mount) => mount.Type),
      }).toEqual({
        network: `container:${base}`,
        capDrop: ['ALL'],
        capAdd: null,
        privileged: false,
        readOnly: true,
        binds: null,
        mounts: [],
      })

      // Both streams, as `raw` rows of the custom service: in Logs with system rows, never an attacker.
      await waitUntil(async () => {
        const { rows } = await db.logs.search({ q: 'decky:cust-01 service:custom-echo system:any' })
        const lines = rows.map((row) => [row.eventType, row.rawLine, row.system])
        expect(lines).toContainEqual(['raw', 'echo-server got: ping-42', true])
        expect(lines).toContainEqual(['raw', 'echo-server listening on 7007', true])
      })
      expect((await db.attackers.list({})).rows.map((attacker) => attacker.ip)).not.toContain('0.0.0.0')
    } finally {
      await collector.stop()
      await pipeline.close()
    }
  })

  it('an image missing on the engine fails the deploy naming it, before anything is created', async () => {
    const spec: DeckySpec = {
      ...deckySpec('cust-02', `${network.prefix}.22`, [ssh]),
      customServices: [{ ...echoService(7007), image: `decnet-lifecycle-test/absent:${instance}` }],
    }
    await expect(engine().deploy(spec, network)).rejects.toThrow(
      `custom service custom-echo's image decnet-lifecycle-test/absent:${instance} is not present on the Docker host`,
    )
    expect((await containersOf('cust-02')).size).toBe(0)
  })
})

describe('live service edits on real Docker', () => {
  it('adding and removing services keeps the decoy process, and an open SSH session stays connected', async () => {
    const address = `${network.prefix}.23`
    const spec = deckySpec('edit-01', address, [ssh])
    await engine().deploy(spec, network)
    const decoy = (await containersOf('edit-01')).get('decoy')
    const startedAt = async () => (await docker.getContainer(decoy ?? '').inspect()).State.StartedAt
    const decoyStarted = await startedAt()
    const shell = await holdShell({ address, password: 'admin' })
    try {
      await shell.answers()

      // Add a catalogue service and a custom one, as the runner does for an edit_services row.
      const added: DeckySpec = {
        ...spec,
        services: [ssh, tcpService('http', 80)],
        customServices: [echoService(7008)],
      }
      const report = await engine().mutate(added, network)
      expect(report.created).toEqual([`${instance}-edit-01.custom-echo`])
      expect(report.reconfigured).toEqual([`${instance}-edit-01.decoy`])
      expect(report.removed).toEqual([])
      expect((await containersOf('edit-01')).get('decoy')).toBe(decoy)
      expect(await startedAt()).toBe(decoyStarted)
      expect(await echoLine(address, 7008, 'after-add')).toBe('echo: after-add')
      expect((await fetch(`http://${address}/`)).status).toBeLessThan(500)
      expect(shell.alive()).toBe(true)
      await shell.answers()

      // Remove them again: only their containers go.
      const removed = await engine().mutate({ ...spec, customServices: [] }, network)
      expect(removed.removed).toEqual([`${instance}-edit-01.custom-echo`])
      expect(removed.reconfigured).toEqual([`${instance}-edit-01.decoy`])
      expect(removed.created).toEqual([])
      expect([...(await containersOf('edit-01')).entries()]).toEqual([['decoy', decoy]])
      expect(await startedAt()).toBe(decoyStarted)
      await expect(fetch(`http://${address}/`)).rejects.toThrow()
      expect(shell.alive()).toBe(true)
      await shell.answers()
    } finally {
      shell.close()
    }
  })
})
