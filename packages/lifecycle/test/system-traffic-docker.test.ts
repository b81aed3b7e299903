import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { collectorBehindSettingKey } from '@decnet/core'
import type { DecnetDatabase } from '@decnet/db'
import { sqliteTestDatabase } from '@decnet/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { curlFromAddress } from '../../decoys/test/support/http-client.ts'
import { DockerEngine, databaseProbeLedger } from '../src/index.ts'
import { type CollectorWorker, startCollectorWorker } from '../src/workers-index.ts'
import { buildDecoyImage } from './support/decoy-image.ts'
import { deckySpec, dockerTestbed, removeInstance } from './support/docker.ts'

const run = promisify(execFile)
const { docker, instance, network } = dockerTestbed()
const provider = sqliteTestDatabase()
let image: string
let db: DecnetDatabase
let worker: CollectorWorker | undefined

/** The project's real decoy image (cached when built), built with the command users run. */
beforeAll(async () => {
  image = buildDecoyImage()
  db = (await provider.open()).db
}, 250_000)

afterAll(async () => {
  await worker?.stop()
  await removeInstance(docker, instance)
  await provider.cleanup()
})

/**
 * The production wiring on real Docker: the engine's readiness probes recorded in the ledger, the
 * collector worker following the decoy containers' stdout into SQLite. The probes (from the bridge
 * gateway, the address every local client of the decky shares) are stored flagged system and counted
 * nowhere; Debian curl from the same gateway right after is an attack.
 */
describe('readiness probes are system traffic (Docker engine)', () => {
  it('a deploy leaves no attacker, credential, histogram or stats count; curl right after does', async () => {
    worker = await startCollectorWorker({ db, engine: 'docker', instance, ingest: { flushIntervalMs: 20 } })
    const engine = new DockerEngine({
      image,
      instance,
      networkName: `${instance}_lan`,
      readinessTimeoutMs: 30_000,
      probeLedger: databaseProbeLedger(db.probeSources),
    })
    const spec = deckySpec('sys-docker', `${network.prefix}.40`, [
      { slug: 'ssh', ports: [{ port: 22, protocol: 'tcp' }], config: {} },
      { slug: 'http', ports: [{ port: 80, protocol: 'tcp' }], config: {} },
      { slug: 'dns', ports: [{ port: 53, protocol: 'udp' }], config: {} },
    ])
    await engine.deploy(spec, network)
    await expect
      .poll(
        async () =>
          new Set((await db.logs.search({ q: 'system:true', limit: 500 })).rows.map((r) => r.service)),
        {
          timeout: 30_000,
          interval: 250,
        },
      )
      .toEqual(new Set(['ssh', 'http', 'dns']))
    // Let the TCP probes' disconnect events arrive too.
    await new Promise((resolve) => setTimeout(resolve, 2000))
    await worker.pipeline.flush()
    const probes = await db.logs.search({ q: 'system:true', limit: 500 })
    expect(probes.rows.every((row) => row.system && row.attackerIp === network.gateway)).toBe(true)
    expect(await db.logs.search({ limit: 500 })).toMatchObject({ total: 0, rows: [] })
    expect(await db.logs.histogram({ bucketMinutes: 1 })).toEqual([])
    expect(await db.logs.counts()).toEqual({ logs: 0, logs24h: 0 })
    expect(await db.attackers.count()).toBe(0)

    expect(await curlFromAddress(`http://${spec.ip}/admin`, '-u', 'admin:hunter2')).toBe(network.gateway)
    await expect
      .poll(async () => (await db.logs.search({ q: 'decky:sys-docker', limit: 50 })).total, {
        timeout: 30_000,
      })
      .toBeGreaterThan(0)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    await worker.pipeline.flush()
    const attack = await db.logs.search({ q: 'decky:sys-docker', limit: 50 })
    expect(attack.rows.every((row) => !row.system && row.attackerIp === network.gateway)).toBe(true)
    expect(attack.rows.some((row) => JSON.stringify(row.fields).includes('/admin'))).toBe(true)
    const attackers = await db.attackers.list()
    expect(attackers.rows.map((row) => [row.ip, row.eventCount])).toEqual([[network.gateway, attack.total]])
    expect((await db.logs.counts()).logs).toBe(attack.total)
    // Probes unchanged, still only behind the filter.
    expect((await db.logs.search({ q: 'system:true', limit: 500 })).total).toBe(probes.total)
  }, 180_000)
})

describe('collector pause (Docker engine)', () => {
  it('paused, it stops following (events wait in Docker, it is behind since then); resumed, it reads them and catches up', async () => {
    await worker?.stop()
    let paused = false
    worker = await startCollectorWorker({
      db,
      engine: 'docker',
      instance,
      ingest: { flushIntervalMs: 20 },
      isPaused: async () => paused,
      pauseCheckMs: 100,
    })
    const engine = new DockerEngine({
      image,
      instance,
      networkName: `${instance}_lan`,
      readinessTimeoutMs: 30_000,
    })
    const spec = deckySpec('pause-docker', `${network.prefix}.41`, [
      { slug: 'http', ports: [{ port: 80, protocol: 'tcp' }], config: {} },
    ])
    await engine.deploy(spec, network)
    const collector = worker.collector
    if (!collector) throw new Error('the docker engine has a log collector')
    const behind = () => db.settings.get(collectorBehindSettingKey('local'))
    const requests = async () =>
      (await db.logs.search({ q: 'decky:pause-docker event:request', limit: 1 })).total
    const curl = (path: string) => run('curl', ['-s', '-o', '/dev/null', `http://${spec.ip}${path}`])
    // Started behind (nothing read yet), then caught up.
    await expect.poll(behind, { timeout: 30_000 }).toBeUndefined()
    await curl('/before')
    await expect.poll(requests, { timeout: 30_000 }).toBe(1)

    paused = true
    await expect.poll(() => collector.containers.length, { timeout: 10_000 }).toBe(0)
    const since = await behind()
    expect(typeof since === 'string' && Date.parse(since) <= Date.now()).toBe(true)
    await curl('/while-paused-1')
    await curl('/while-paused-2')
    // Written to Docker's log (the container's own), not read: nothing follows it.
    await expect
      .poll(async () => (await run('docker', ['logs', `${instance}-pause-docker.decoy`])).stdout, {
        timeout: 10_000,
      })
      .toContain('/while-paused-2')
    await worker.pipeline.flush()
    expect(await requests()).toBe(1)
    expect(worker.health().detail).toContain('paused by an operator')
    expect(worker.health().detail).toContain(`local behind since ${since}`)

    paused = false
    await expect.poll(requests, { timeout: 30_000 }).toBe(3)
    await expect.poll(behind, { timeout: 30_000 }).toBeUndefined()
    expect(worker.health().detail).not.toContain('behind since')
  }, 180_000)
})
