import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawClient, startTestEmulator } from './helpers.ts'

/**
 * Hostile input against ssh, http, redis and smtp: oversized lines, binary garbage, slow idle
 * clients and 200 concurrent connections must neither crash an emulator nor make it hold memory
 * in proportion to what the attacker sends.
 */
type Started = Awaited<ReturnType<typeof startTestEmulator>>
const SLUGS = ['ssh', 'http', 'redis', 'smtp'] as const
const emulators = new Map<string, Started>()
const LIMITS = { idleTimeoutMs: 400 }

/** What a healthy emulator answers to a fresh client (proves it survived). */
const GREETING: Record<(typeof SLUGS)[number], { send?: string; expect: RegExp }> = {
  ssh: { expect: /^SSH-2\.0-OpenSSH_/ },
  http: { send: 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', expect: /^HTTP\/1\.1 200 OK/ },
  redis: { send: 'PING\r\n', expect: /^\+PONG\r\n/ },
  smtp: { expect: /^220 / },
}

function retainedBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) throw new Error('run with --expose-gc (see vitest.config.ts)')
  gc()
  gc()
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.arrayBuffers
}

async function healthy(slug: (typeof SLUGS)[number]): Promise<void> {
  const emulator = emulators.get(slug) as Started
  const client = await rawClient(emulator.host, emulator.port)
  try {
    const greeting = GREETING[slug]
    if (greeting.send) client.send(greeting.send)
    await client.expect(greeting.expect)
  } finally {
    client.close()
  }
}

/** Streams `total` bytes of `byte` with back-pressure, never buffering more than one chunk locally. */
async function flood(socket: Socket, total: number, fill: (chunk: Buffer) => void): Promise<void> {
  const chunk = Buffer.alloc(64 * 1024)
  for (let sent = 0; sent < total && !socket.destroyed; sent += chunk.length) {
    fill(chunk)
    if (!socket.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          socket.off('drain', done)
          socket.off('close', done)
          resolve()
        }
        socket.on('drain', done)
        socket.on('close', done)
      })
    }
  }
}

describe('hostile input', () => {
  beforeAll(async () => {
    for (const slug of SLUGS) emulators.set(slug, await startTestEmulator(slug, { limits: LIMITS }))
  })
  afterAll(async () => {
    await Promise.all([...emulators.values()].map((emulator) => emulator.running.close()))
  })

  for (const slug of SLUGS) {
    it(`${slug}: a 32 MiB line without a newline is cut or refused, memory stays bounded`, async () => {
      const emulator = emulators.get(slug) as Started
      const before = retainedBytes()
      const socket = connect({ host: emulator.host, port: emulator.port })
      socket.on('error', () => undefined)
      socket.on('data', () => undefined)
      await new Promise((resolve) => socket.once('connect', resolve))
      const prefix = slug === 'smtp' ? 'EHLO ' : slug === 'http' ? 'GET /' : ''
      socket.write(prefix)
      await flood(socket, 32 * 1024 * 1024, (chunk) => chunk.fill(0x41))
      // Measured while the connection may still be open: nothing proportional to 32 MiB is held.
      const growth = retainedBytes() - before
      expect(growth).toBeLessThan(8 * 1024 * 1024)
      if (slug === 'smtp' && !socket.destroyed) {
        socket.write('\r\n')
        const event = await emulator.waitFor((e) => e.event === 'command' && e.fields.truncated === true)
        expect(String(event.fields.arg).length).toBeLessThanOrEqual(4096)
      }
      socket.destroy()
      await healthy(slug)
    }, 60_000)

    it(`${slug}: binary garbage is survived`, async () => {
      const emulator = emulators.get(slug) as Started
      const socket = connect({ host: emulator.host, port: emulator.port })
      socket.on('error', () => undefined)
      socket.on('data', () => undefined)
      await new Promise((resolve) => socket.once('connect', resolve))
      let seed = 7
      await flood(socket, 2 * 1024 * 1024, (chunk) => {
        for (let i = 0; i < chunk.length; i++) {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff
          chunk[i] = seed >> 16
        }
      })
      socket.destroy()
      await healthy(slug)
    }, 60_000)

    it(`${slug}: a slow, silent client is disconnected by the idle timeout`, async () => {
      const emulator = emulators.get(slug) as Started
      const client = await rawClient(emulator.host, emulator.port)
      client.send(slug === 'http' ? 'GET / HTTP/1.1\r\nHost: x\r\nX-a: ' : 'P')
      const started = Date.now()
      await client.closed
      expect(Date.now() - started).toBeLessThan(3000)
      await healthy(slug)
    })

    it(`${slug}: 200 concurrent connections are all served`, async () => {
      const emulator = emulators.get(slug) as Started
      const greeting = GREETING[slug]
      const clients = await Promise.all(
        Array.from({ length: 200 }, () => rawClient(emulator.host, emulator.port)),
      )
      try {
        await Promise.all(
          clients.map(async (client) => {
            if (greeting.send) client.send(greeting.send)
            await client.expect(greeting.expect, 15_000)
          }),
        )
      } finally {
        for (const client of clients) client.close()
      }
      await healthy(slug)
    }, 60_000)
  }
})
