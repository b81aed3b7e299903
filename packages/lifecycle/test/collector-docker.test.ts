// The collector against the real Docker daemon: real decoy containers (ssh, http) attacked with
// real clients, a collector restarted mid-stream, and garbage on a container's stdout.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { DecnetDatabase } from '@decnet/db'
import { sqliteTestDatabase } from '@decnet/db/testing'
import type Docker from 'dockerode'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { tcpReady } from '../../decoys/test/helpers.ts'
import { sshLogin } from '../../decoys/test/ssh-login.ts'
import { createDockerClient } from '../src/index.ts'
import { DockerLogCollector, IngestPipeline, POSITION_KEY_PREFIX } from '../src/workers-index.ts'
import { buildDecoyImage } from './support/decoy-image.ts'
import { runStopStartCycles } from './support/stop-start-cycles.ts'

const docker = createDockerClient()
const runId = `lcc${randomBytes(3).toString('hex')}`
/** One engine instance label per test, so a test's collector never sees another test's containers. */
let instance = runId
const provider = sqliteTestDatabase()
let image: string

/** A base (no role given), a decoy container (`decoy`: its events name their service) or a one-service container. */
function labels(decky: string, service?: string): Record<string, string> {
  return {
    'decnet.managed': 'true',
    'decnet.instance': instance,
    'decnet.decky': decky,
    'decnet.role': service === 'decoy' ? 'decoy' : service ? 'service' : 'base',
    ...(service && service !== 'decoy' ? { 'decnet.service': service } : {}),
  }
}

/** A bridge network of our own (never the default bridge, which other suites may disturb). */
const networkName = `${runId}_net`

async function run(options: Docker.ContainerCreateOptions): Promise<Docker.Container> {
  const container = await docker.createContainer({
    Image: image,
    ...options,
    HostConfig: { NetworkMode: networkName, ...options.HostConfig },
  })
  await container.start()
  return container
}

/** A container whose node prints `script`'s output: stands in for an emulator on stdout. */
function emitter(decky: string, service: string, script: string) {
  return run({ Labels: labels(decky, service), Cmd: ['-e', script] })
}

/** JS source printing `count` decoy lines (fields.seq = 0..count-1), `perTick` every `everyMs`. */
/**
 * A container's script printing `count` request lines, `perTick` every `everyMs`. With `holdAt`, it
 * stops after that many lines until it gets SIGUSR2, so a test controls what is printed while no
 * collector reads.
 */
function emitScript(decky: string, count: number, perTick: number, everyMs: number, holdAt = count): string {
  return `let i = 0
let held = ${holdAt} < ${count}
process.on('SIGUSR2', () => { held = false })
const line = (seq) => JSON.stringify({ ts: new Date().toISOString(), decky: ${JSON.stringify(decky)}, service: 'http',
  event: 'request', src_ip: '192.0.2.' + (seq % 200 + 1), src_port: 1024 + seq, fields: { seq, path: '/p' + seq } })
const timer = setInterval(() => {
  if (held && i >= ${holdAt}) return
  let out = ''
  for (let k = 0; k < ${perTick} && i < ${count} && !(held && i >= ${holdAt}); k++) out += line(i++) + '\\n'
  process.stdout.write(out)
  if (i >= ${count}) clearInterval(timer)
}, ${everyMs})`
}

async function open(): Promise<DecnetDatabase> {
  return (await provider.open()).db
}

async function rowsOf(db: DecnetDatabase, decky: string) {
  const rows = []
  let cursor: string | undefined
  for (;;) {
    const page = await db.logs.search({ q: `decky:${decky}`, limit: 1000, ...(cursor ? { cursor } : {}) })
    rows.push(...page.rows)
    if (!page.nextCursor) return rows
    cursor = page.nextCursor
  }
}

function collector(db: DecnetDatabase, pipeline: IngestPipeline) {
  return new DockerLogCollector({
    pipeline,
    settings: db.settings,
    instance,
    rescanIntervalMs: 2_000,
    reconnectInitialMs: 100,
    reconnectMaxMs: 1_000,
    onError: () => undefined,
  })
}

beforeAll(async () => {
  image = buildDecoyImage()
  await docker.createNetwork({ Name: networkName, Driver: 'bridge', Labels: { 'decnet.instance': runId } })
}, 180_000)

afterAll(async () => {
  const containers = await docker.listContainers({ all: true, filters: { label: ['decnet.managed=true'] } })
  await Promise.all(
    containers
      .filter((c) => c.Labels['decnet.instance']?.startsWith(runId))
      .map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })),
  )
  await docker
    .getNetwork(networkName)
    .remove()
    .catch(() => undefined)
  await provider.cleanup()
})

describe('DockerLogCollector on real Docker', () => {
  let testNumber = 0
  beforeEach(() => {
    instance = `${runId}-${++testNumber}`
  })

  it('collects real ssh and http decoy events into Log, Credential and Attacker rows', async () => {
    const db = await open()
    const pipeline = new IngestPipeline({ db, flushIntervalMs: 50 })
    const decky = 'e2e-decky'
    // Two decoy containers of one service each: one found by the collector's first scan, one by
    // its event stream. Each event names its service; the container's labels only name the decky.
    const env = (service: string, port: number) => [
      `DECNET_DECKY=${decky}`,
      `DECNET_HOSTNAME=${decky}-host`,
      // root's password is set: logins come from the persona otherwise (a different one per decky).
      `DECNET_SERVICES=${JSON.stringify([{ slug: service, ports: [port], config: service === 'ssh' ? { password: 'admin' } : {} }])}`,
      'DECNET_BIND=0.0.0.0',
    ]
    const base = await run({ Labels: labels(decky), Entrypoint: ['/opt/decnet/pause'], Cmd: [] })
    const bridge = (await base.inspect()).NetworkSettings.Networks[networkName]
    if (!bridge) throw new Error('base container is not on the test network')
    const ip = bridge.IPAddress
    // ssh exists before the collector starts (found by the scan); http starts after (found by the event stream).
    await run({
      Labels: labels(decky, 'decoy'),
      Env: env('ssh', 22),
      HostConfig: { NetworkMode: `container:${base.id}` },
    })
    const col = collector(db, pipeline)
    await col.start()
    await run({
      Labels: labels(decky, 'decoy'),
      Env: env('http', 80),
      HostConfig: { NetworkMode: `container:${base.id}` },
    })
    await tcpReady(ip, 22)
    await tcpReady(ip, 80)

    expect(await sshLogin({ host: ip, username: 'root', password: 'wrong-password' })).toBeNull()
    const output = await sshLogin({
      host: ip,
      username: 'root',
      password: 'admin',
      command: 'cat /etc/passwd',
    })
    expect(output).toContain('root:x:0:0')
    const basic = Buffer.from('admin:letmein').toString('base64')
    const response = await fetch(`http://${ip}/wp-admin/`, { headers: { Authorization: `Basic ${basic}` } })
    await response.text()
    await (await fetch(`http://${ip}/`)).text()

    const started = Date.now()
    await expect
      .poll(
        async () => {
          const rows = await rowsOf(db, decky)
          return ['auth_attempt:ssh', 'command:ssh', 'auth_attempt:http', 'request:http'].every((want) =>
            rows.some((r) => `${r.eventType}:${r.service}` === want),
          )
        },
        { timeout: 10_000, interval: 100 },
      )
      .toBe(true)
    const latencyMs = Date.now() - started
    expect(latencyMs).toBeLessThan(5_000)

    const rows = await rowsOf(db, decky)
    // The host reaches the container from the bridge gateway: that is the real peer address.
    const gateway = bridge.Gateway
    expect(new Set(rows.map((r) => r.attackerIp))).toEqual(new Set([gateway]))
    expect(rows.every((r) => r.decky === decky && (r.attackerPort ?? 0) > 0)).toBe(true)
    const command = rows.find((r) => r.eventType === 'command')
    expect(command?.fields).toMatchObject({ cmd: 'cat /etc/passwd', username: 'root' })
    const sshAuth = rows.filter((r) => r.eventType === 'auth_attempt' && r.service === 'ssh')
    expect(sshAuth.map((r) => r.fields.password).sort()).toEqual(['admin', 'wrong-password'])
    expect(sshAuth[0]?.fields.secret_fields).toEqual(['password'])

    const attackers = await db.attackers.list()
    expect(attackers.rows.map((a) => a.ip)).toEqual([gateway])
    const profile = await db.attackers.get(attackers.rows[0]?.id as string)
    expect(profile?.attacker.services.sort()).toEqual(['http', 'ssh'])
    expect(profile?.attacker.deckies).toEqual([decky])
    expect(profile?.attacker.commands).toContain('cat /etc/passwd')
    expect(
      profile?.credentials.map((c) => `${c.decky}/${c.service}/${c.principal}/${c.secret}`).sort(),
    ).toEqual([`${decky}/http/admin/letmein`, `${decky}/ssh/root/admin`, `${decky}/ssh/root/wrong-password`])

    await col.stop()
    await pipeline.close()
    expect(pipeline.stats()).toMatchObject({ malformed: 0, dropped: 0 })
  }, 60_000)

  it('restarted mid-stream, neither duplicates nor loses a row', async () => {
    const db = await open()
    const decky = 'restart-decky'
    const total = 3000
    // The second half is printed only once the first collector has stopped (a loaded machine could
    // otherwise print all of it before the first one stops, and nothing would be left to resume).
    const container = await emitter(decky, 'http', emitScript(decky, total, 15, 10, total / 2))

    const first = new IngestPipeline({ db, batchSize: 100, flushIntervalMs: 20 })
    const one = collector(db, first)
    await one.start()
    await expect.poll(() => first.stats().stored, { timeout: 10_000, interval: 20 }).toBeGreaterThan(300)
    await one.stop()
    await first.close()
    const storedByFirst = first.stats().stored
    expect(storedByFirst).toBeLessThan(total) // really stopped mid-stream
    const position = (await db.settings.get(POSITION_KEY_PREFIX + container.id)) as { ts: string; n: number }
    expect(position.ts).toMatch(/^\d+\.\d{9}$/)
    expect((await container.inspect()).State.Running).toBe(true)
    await container.kill({ signal: 'SIGUSR2' })

    const second = new IngestPipeline({ db, batchSize: 100, flushIntervalMs: 20 })
    const two = collector(db, second)
    await two.start()
    await expect
      .poll(async () => (await rowsOf(db, decky)).length, { timeout: 20_000, interval: 100 })
      .toBe(total)
    await new Promise((resolve) => setTimeout(resolve, 300))
    await two.stop()
    await second.close()

    const rows = await rowsOf(db, decky)
    const seqs = rows.map((r) => r.fields.seq as number)
    expect(rows).toHaveLength(total)
    expect(new Set(seqs).size).toBe(total)
    expect(Math.min(...seqs)).toBe(0)
    expect(Math.max(...seqs)).toBe(total - 1)
    expect(storedByFirst + second.stats().stored).toBe(total)
    expect(two.stats().skippedOnResume).toBeGreaterThanOrEqual(1)
  }, 60_000)

  it('killed with SIGKILL mid-stream, a new collector loses nothing (re-delivery bounded)', async () => {
    const { db, url } = await provider.open()
    const decky = 'crash-decky'
    const total = 3000
    const batchSize = 100
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { createDatabase } = await import('@decnet/db')
const { DockerLogCollector, IngestPipeline } = await import(${JSON.stringify(join(import.meta.dirname, '../src/workers-index.ts'))})
const db = createDatabase(${JSON.stringify(url)})
const pipeline = new IngestPipeline({ db, batchSize: ${batchSize}, flushIntervalMs: 20 })
const collector = new DockerLogCollector({ pipeline, settings: db.settings, instance: ${JSON.stringify(instance)}, onError: () => {} })
await collector.start()
process.stdout.write('started\\n')
setInterval(() => {}, 1000)`,
      ],
      { cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] },
    )
    try {
      // The container starts only once the child collector runs, so the kill lands mid-stream.
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('started')) resolve()
        })
        child.once('exit', (code) => reject(new Error(`child collector exited early (${code})`)))
      })
      await emitter(decky, 'http', emitScript(decky, total, 10, 10))
      await expect
        .poll(async () => (await rowsOf(db, decky)).length, { timeout: 20_000, interval: 50 })
        .toBeGreaterThan(600)
    } finally {
      child.kill('SIGKILL')
    }
    await new Promise((resolve) => child.once('exit', resolve))
    const atKill = (await rowsOf(db, decky)).length
    expect(atKill).toBeLessThan(total)

    const pipeline = new IngestPipeline({ db, batchSize, flushIntervalMs: 20 })
    const col = collector(db, pipeline)
    await col.start()
    await expect
      .poll(async () => new Set((await rowsOf(db, decky)).map((r) => r.fields.seq)).size, {
        timeout: 30_000,
        interval: 100,
      })
      .toBe(total)
    await new Promise((resolve) => setTimeout(resolve, 300))
    await col.stop()
    await pipeline.close()
    const rows = await rowsOf(db, decky)
    const duplicates = rows.length - total
    console.log(`collector SIGKILL: ${atKill} rows at kill, ${duplicates} re-delivered after restart`)
    expect(new Set(rows.map((r) => r.fields.seq)).size).toBe(total) // nothing lost
    expect(duplicates).toBeGreaterThanOrEqual(0)
    // Only batches committed while their position write was still queued behind them (the position
    // write shares the database lock with the next batch) can come again: at most two.
    expect(duplicates).toBeLessThanOrEqual(2 * batchSize)
  }, 120_000)

  it('follows a container through stop/start and forgets a removed one', async () => {
    const db = await open()
    const decky = 'cycle-decky'
    const pipeline = new IngestPipeline({ db, flushIntervalMs: 20 })
    const col = collector(db, pipeline)
    await col.start()
    const container = await emitter(decky, 'http', emitScript(decky, 200, 50, 5))
    await expect
      .poll(async () => (await rowsOf(db, decky)).length, { timeout: 10_000, interval: 50 })
      .toBe(200)
    await container.wait()
    // Started again, the same process prints the same 200 lines once more: each must arrive once.
    await container.start()
    await expect
      .poll(async () => (await rowsOf(db, decky)).length, { timeout: 10_000, interval: 50 })
      .toBe(400)
    await new Promise((resolve) => setTimeout(resolve, 300))
    const rows = await rowsOf(db, decky)
    const counts = new Map<number, number>()
    for (const row of rows)
      counts.set(row.fields.seq as number, (counts.get(row.fields.seq as number) ?? 0) + 1)
    expect(rows).toHaveLength(400)
    expect([...counts.values()].every((n) => n === 2)).toBe(true)
    await expect
      .poll(() => db.settings.get(POSITION_KEY_PREFIX + container.id), { timeout: 5_000 })
      .toBeDefined()

    await container.remove({ force: true })
    await expect
      .poll(() => db.settings.get(POSITION_KEY_PREFIX + container.id), { timeout: 5_000, interval: 50 })
      .toBeUndefined()
    await expect.poll(() => col.containers.length, { timeout: 5_000, interval: 50 }).toBe(0)
    await col.stop()
    await pipeline.close()
    expect(pipeline.stats()).toMatchObject({ stored: 400, malformed: 0, dropped: 0 })
  }, 40_000)

  it('forgets positions of containers removed while it was not running', async () => {
    const db = await open()
    const gone = `${POSITION_KEY_PREFIX}${'0'.repeat(64)}`
    const alive = await emitter('alive-decky', 'http', emitScript('alive-decky', 1, 1, 1))
    await db.settings.set(gone, { ts: '1.000000000', n: 1 })
    await db.settings.set(POSITION_KEY_PREFIX + alive.id, { ts: '1.000000000', n: 0 })
    const pipeline = new IngestPipeline({ db, flushIntervalMs: 20 })
    const col = collector(db, pipeline)
    await col.start()
    expect(await db.settings.get(gone)).toBeUndefined()
    await expect.poll(async () => (await rowsOf(db, 'alive-decky')).length, { timeout: 10_000 }).toBe(1)
    await col.stop()
    await pipeline.close()
    expect(await db.settings.get(POSITION_KEY_PREFIX + alive.id)).toMatchObject({ n: 1 })
  }, 30_000)

  it('follows a container through json-file log rotation: every event stored exactly once', async () => {
    const db = await open()
    const decky = 'rotate-decky'
    const total = 2000
    const pipeline = new IngestPipeline({ db, batchSize: 200, flushIntervalMs: 20 })
    const col = collector(db, pipeline)
    await col.start()
    // ~250-byte lines, 500 a second, into 20 kB files: a rotation every ~0.2 s, 25 in all.
    const container = await run({
      Labels: labels(decky, 'http'),
      Cmd: ['-e', emitScript(decky, total, 10, 20)],
      HostConfig: { LogConfig: { Type: 'json-file', Config: { 'max-size': '20k', 'max-file': '5' } } },
    })
    await expect
      .poll(async () => new Set((await rowsOf(db, decky)).map((r) => r.fields.seq)).size, {
        timeout: 30_000,
        interval: 100,
      })
      .toBe(total)
    await container.wait()
    await new Promise((resolve) => setTimeout(resolve, 500))
    await col.stop()
    await pipeline.close()
    // Docker really rotated (the oldest kept file is `<log>.4` once 5 files exist).
    const logPath = (await container.inspect()).LogPath
    expect(existsSync(`${logPath}.1`)).toBe(true)
    const rows = await rowsOf(db, decky)
    const seqs = rows.map((r) => r.fields.seq as number).sort((a, b) => a - b)
    const duplicates = seqs.filter((seq, i) => i > 0 && seqs[i - 1] === seq)
    expect(duplicates).toEqual([])
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i))
    expect(pipeline.stats()).toMatchObject({ stored: total, dropped: 0 })
    console.log(`collector rotation: ${col.stats().replaysDropped} lines Docker sent twice were dropped`)
  }, 60_000)

  // 50 cycles in npm test; `npm run bench` runs this same test with DECNET_COLLECTOR_CYCLES=1000.
  const cycles = Number(process.env.DECNET_COLLECTOR_CYCLES ?? 50)
  it(
    `runs ${cycles} stop/start cycles of a container on the real engine without a listener warning and with flat listener counts`,
    async () => {
      const db = await open()
      const decky = 'cycles-decky'
      // A cycle costs 0.3–2 s, nearly all of it Docker starting the container. A wait that kept one
      // listener per cycle shows as a count of 2 on the second cycle and passes Node's 10-listener
      // warning by the eleventh, so 50 catch a leak in npm test; the 1,000 of the bench show the counts
      // stay flat over a long life. collector-cycles.test.ts runs 1,000 against a Docker API stand-in.
      const pipeline = new IngestPipeline({ db, flushIntervalMs: 20 })
      const col = collector(db, pipeline)
      await col.start()
      // One event per start, then the process stays up until it is killed. No network: starts are faster.
      const script = `process.stdout.write(JSON.stringify({ ts: new Date().toISOString(), decky: ${JSON.stringify(decky)},
  service: 'http', event: 'request', src_ip: '192.0.2.7', src_port: 4000, fields: { path: '/' } }) + '\\n')
setInterval(() => {}, 1 << 30)`
      const container = await run({
        Labels: labels(decky, 'http'),
        Cmd: ['-e', script],
        HostConfig: { NetworkMode: 'none' },
      })
      const samples = await runStopStartCycles({
        collector: col,
        containerId: container.id,
        cycles,
        start: (cycle) => (cycle > 1 ? container.start() : undefined),
        stop: () => container.stop({ t: 0 }),
        pollIntervalMs: 5,
        timeoutMs: 30_000,
        finish: async () => {
          await col.stop()
          await pipeline.close()
        },
      })
      const spread = (counts: number[]) => `min ${Math.min(...counts)}, max ${Math.max(...counts)}`
      console.log(
        `collector ${cycles} stop/start cycles: ${(samples.wallMs / 1000).toFixed(1)} s; abort listeners on the collector signal ${spread(samples.collectorCounts)}, on the follower's ${spread(samples.followerCounts)}; ${col.stats().reconnects} reconnects`,
      )
      expect(samples.listenerWarnings).toEqual([])
      // Flat: the follower's count is its one parked wait every cycle; the collector-wide signal holds
      // at most the event stream's backoff wait (followers never listen there).
      expect(new Set(samples.followerCounts)).toEqual(new Set([1]))
      expect(Math.max(...samples.collectorCounts)).toBeLessThanOrEqual(1)
      expect(col.stats().reconnects).toBeGreaterThanOrEqual(cycles - 1)
      // Every start's event stored exactly once.
      expect(await rowsOf(db, decky)).toHaveLength(cycles)
      expect(pipeline.stats()).toMatchObject({ stored: cycles, malformed: 0, dropped: 0 })
    },
    Math.max(600_000, cycles * 3_000),
  )

  it('counts garbage and oversized stdout lines as malformed and keeps ingesting', async () => {
    const db = await open()
    const decky = 'garbage-decky'
    const valid = (seq: number, extra = '') =>
      `JSON.stringify({ ts: new Date().toISOString(), decky: '${decky}', service: 'http', event: 'request', src_ip: '192.0.2.9', src_port: 1000, fields: { seq: ${seq}${extra} } })`
    const script = `
const w = (s) => process.stdout.write(s + '\\n')
w(${valid(1)})
w('garbage \\u0001\\u0002 not json')
w('x'.repeat(100000))
w(${valid(2, ", big: 'y'.repeat(100000)")})
process.stderr.write('diagnostic on stderr\\n')
w(${valid(3, ", big: 'z'.repeat(20000)")})
w('{"ts":')
w(${valid(4)})`
    const pipeline = new IngestPipeline({ db, flushIntervalMs: 20 })
    const col = collector(db, pipeline)
    await col.start()
    await emitter(decky, 'http', script)
    await expect.poll(async () => (await rowsOf(db, decky)).length, { timeout: 10_000, interval: 50 }).toBe(3)
    await col.stop()
    await pipeline.close()
    const rows = await rowsOf(db, decky)
    expect(rows.map((r) => r.fields.seq).sort()).toEqual([1, 3, 4])
    // An event over the decoys' 16 KiB cap is cut by the one rule both engines share (fitEvent):
    // its longest field halved until it fits, and marked, rather than stored whole or dropped.
    const cut = rows.find((r) => r.fields.seq === 3)
    expect(cut?.fields.truncated).toBe(true)
    expect(Buffer.byteLength(cut?.rawLine ?? '')).toBeLessThanOrEqual(16 * 1024)
    expect(String(cut?.fields.big)).toMatch(/^z+…$/)
    expect(pipeline.stats()).toMatchObject({ stored: 3, malformed: 4, dropped: 0 })
    expect(pipeline.stats().rejected).toMatchObject({ oversized: 2, not_json: 2 })
    expect(col.stats().stderrLines).toBe(1)
  }, 30_000)
})
