/**
 * `pnpm --filter @decnet/decoys bench`: connections per second for ssh and http in-process, and the
 * memory of one emulator container at idle and holding 50 connections (docker stats). Prints a table.
 */
import { request } from 'node:http'
import { connect, type Socket } from 'node:net'
import type Docker from 'dockerode'
import ssh2 from 'ssh2'
import { buildDecoyImage, dockerClient } from '../image/build.ts'
import { encodeDeckyServices } from '../src/decky-services.ts'
import { startEmulator } from '../src/start.ts'
import { tcpReady } from '../test/helpers.ts'

const { Client } = ssh2
const HOST = '127.88.250.10'
type Row = [string, string, string]
const rows: Row[] = []

async function rate(
  label: string,
  total: number,
  concurrency: number,
  once: () => Promise<void>,
): Promise<void> {
  let next = 0
  const started = process.hrtime.bigint()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) await once()
    }),
  )
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  rows.push([
    label,
    `${(total / seconds).toFixed(1)} conn/s`,
    `${total} connections, concurrency ${concurrency}`,
  ])
}

/** An emulator on the bench's loopback address, one ephemeral port, events discarded. */
async function startOnBenchHost(slug: string) {
  const running = await startEmulator(slug, {
    decky: 'bench',
    bindAddress: HOST,
    ports: [0],
    onEvent: () => undefined,
  })
  return { running, port: running.ports[0] as number }
}

async function benchSsh(): Promise<void> {
  const { running, port } = await startOnBenchHost('ssh')
  // A full SSH handshake (key exchange) plus one password attempt, as a brute-forcer does.
  await rate(
    'ssh handshake + password attempt (in-process)',
    60,
    4,
    () =>
      new Promise<void>((resolve) => {
        const client = new Client()
        client.on('error', () => resolve())
        client.once('ready', () => {
          client.end()
          resolve()
        })
        client.connect({ host: HOST, port, username: 'root', password: 'wrong', readyTimeout: 20_000 })
      }),
  )
  await running.close()
}

async function benchHttp(): Promise<void> {
  const { running, port } = await startOnBenchHost('http')
  await rate(
    'http request, new connection each (in-process)',
    3000,
    16,
    () =>
      new Promise<void>((resolve, reject) => {
        request({ host: HOST, port, path: '/', agent: false }, (res) => {
          res.resume()
          res.on('end', resolve)
        })
          .on('error', reject)
          .end()
      }),
  )
  await running.close()
}

async function memoryMiB(container: Docker.Container): Promise<number> {
  const stats = (await container.stats({ stream: false })) as {
    memory_stats: { usage?: number; stats?: { cache?: number } }
  }
  const usage = (stats.memory_stats.usage ?? 0) - (stats.memory_stats.stats?.cache ?? 0)
  return usage / 1024 / 1024
}

async function benchContainers(): Promise<void> {
  const docker = dockerClient()
  const image = await buildDecoyImage()
  rows.push(['decoy image size', `${(image.sizeBytes / 1024 / 1024).toFixed(1)} MiB`, image.tag])
  // Its own bridge network: the bench must not depend on (or disturb) Docker's default bridge.
  const networkName = `decnet-decoys-bench-${process.pid}`
  const network = docker.getNetwork(
    (
      await docker.createNetwork({
        Name: networkName,
        Driver: 'bridge',
        Labels: { 'decnet.bench': 'decoys' },
      })
    ).id,
  )
  try {
    for (const [slug, port, hello] of [
      ['ssh', 22, undefined],
      ['http', 80, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'],
    ] as const) {
      const container = await docker.createContainer({
        Image: image.id,
        // One decky hosting this one service, as the engine encodes it (DECNET_SERVICES).
        Env: [
          `DECNET_SERVICES=${encodeDeckyServices([{ slug, ports: [port], config: {} }])}`,
          'DECNET_DECKY=bench',
        ],
        Labels: { 'decnet.bench': 'decoys' },
        StopTimeout: 2,
        HostConfig: { NetworkMode: networkName },
      })
      const sockets: Socket[] = []
      try {
        await container.start()
        const ip = (await container.inspect()).NetworkSettings.Networks[networkName]?.IPAddress ?? ''
        await tcpReady(ip, port)
        await new Promise((resolve) => setTimeout(resolve, 1000))
        const idle = await memoryMiB(container)
        for (let i = 0; i < 50; i++) {
          const socket = connect({ host: ip, port })
          socket.on('error', () => undefined)
          socket.on('data', () => undefined)
          if (hello) socket.write(hello)
          sockets.push(socket)
        }
        await new Promise((resolve) => setTimeout(resolve, 1500))
        const loaded = await memoryMiB(container)
        rows.push([
          `${slug} container memory, idle`,
          `${idle.toFixed(1)} MiB`,
          'docker stats, minus page cache',
        ])
        rows.push([
          `${slug} container memory, 50 open connections`,
          `${loaded.toFixed(1)} MiB`,
          'docker stats, minus page cache',
        ])
      } finally {
        for (const socket of sockets) socket.destroy()
        await container.remove({ force: true })
      }
    }
  } finally {
    await network.remove().catch(() => undefined)
  }
}

await benchSsh()
await benchHttp()
await benchContainers()
const widths = [0, 1, 2].map((i) =>
  Math.max(...[['measure', 'value', 'notes'], ...rows].map((row) => (row[i] ?? '').length)),
)
const line = (row: Row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')
process.stdout.write(
  `\n@decnet/decoys benchmark\n${line(['measure', 'value', 'notes'])}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n${rows.map(line).join('\n')}\n`,
)
