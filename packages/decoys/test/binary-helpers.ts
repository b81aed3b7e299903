import { createSocket } from 'node:dgram'
import { connect, type Socket } from 'node:net'
import type { EmittedEvent, Emulator, RunningEmulator } from '../src/emulator.ts'
import { testPersona } from '../src/start.ts'
import { type TestStartOptions, testEmulatorContext, trackStarted } from './started.ts'

export { closeStartedAfterEach } from './started.ts'

export type Started = {
  host: string
  ports: number[]
  port: number
  events: EmittedEvent[]
  running: RunningEmulator
  /** Resolves with the first event (already emitted or future) matching the predicate. */
  waitFor(predicate: (event: EmittedEvent) => boolean, timeoutMs?: number): Promise<EmittedEvent>
  close(): Promise<void>
}

/** A fresh loopback address per emulator so parallel test files never collide on a port. */
export function loopbackAddress(): string {
  const part = () => 1 + Math.floor(Math.random() * 253)
  return `127.89.${part()}.${part()}`
}

export async function startBinary(
  emulator: Emulator,
  options: TestStartOptions & { distro?: string } = {},
): Promise<Started> {
  const host = loopbackAddress()
  const events: EmittedEvent[] = []
  const waiters: { predicate: (event: EmittedEvent) => boolean; resolve: (event: EmittedEvent) => void }[] =
    []
  const persona =
    options.persona ??
    (await testPersona(emulator.slug, {
      decky: options.seed ?? 'seed-one',
      ...(options.distro ? { distro: options.distro } : {}),
    }))
  const emit = (event: EmittedEvent) => {
    events.push(event)
    for (const waiter of [...waiters]) {
      if (waiter.predicate(event)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(event)
      }
    }
  }
  const running = await emulator.start(
    testEmulatorContext(emulator.slug, host, persona, emit, {
      ...options,
      seed: options.seed ?? 'seed-one',
      hostname: options.hostname ?? 'FILESRV-02',
    }),
  )
  const started: Started = {
    host,
    ports: running.ports,
    port: running.ports[0] ?? 0,
    events,
    running,
    waitFor(predicate, timeoutMs = 3000) {
      const found = events.find(predicate)
      if (found) return Promise.resolve(found)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out waiting for event')), timeoutMs)
        waiters.push({
          predicate,
          resolve: (event) => {
            clearTimeout(timer)
            resolve(event)
          },
        })
      })
    },
    close: trackStarted(() => running.close()),
  }
  return started
}

/**
 * A raw TCP conversation: `read(n)` waits for exactly n more bytes, `readUntilClose()` collects the
 * rest. Used for protocols whose only real clients are the scanners themselves (smb, rdp, vnc).
 */
export type RawConnection = {
  socket: Socket
  write(data: Buffer | string): void
  read(count: number, timeoutMs?: number): Promise<Buffer>
  readAvailable(timeoutMs?: number): Promise<Buffer>
  closed(timeoutMs?: number): Promise<void>
  close(): void
}

export async function rawConnect(host: string, port: number): Promise<RawConnection> {
  const socket = connect({ host, port })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  socket.on('error', () => undefined)
  let buffered: Buffer = Buffer.alloc(0)
  let ended = false
  let notify: (() => void) | undefined
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk])
    notify?.()
  })
  socket.on('close', () => {
    ended = true
    notify?.()
  })
  const waitUntil = (done: () => boolean, timeoutMs: number, what: string) =>
    new Promise<void>((resolve, reject) => {
      if (done()) return resolve()
      const timer = setTimeout(() => {
        notify = undefined
        reject(new Error(`timed out: ${what}`))
      }, timeoutMs)
      notify = () => {
        if (done()) {
          clearTimeout(timer)
          notify = undefined
          resolve()
        }
      }
    })
  return {
    socket,
    write: (data) => {
      socket.write(data)
    },
    async read(count, timeoutMs = 3000) {
      await waitUntil(() => buffered.length >= count || ended, timeoutMs, `reading ${count} bytes`)
      if (buffered.length < count) throw new Error(`connection closed after ${buffered.length} bytes`)
      const out = buffered.subarray(0, count)
      buffered = buffered.subarray(count)
      return out
    },
    async readAvailable(timeoutMs = 3000) {
      await waitUntil(() => buffered.length > 0 || ended, timeoutMs, 'reading')
      const out = buffered
      buffered = Buffer.alloc(0)
      return out
    },
    closed: (timeoutMs = 3000) => waitUntil(() => ended, timeoutMs, 'close'),
    close: () => socket.destroy(),
  }
}

/** Sends one datagram and resolves with the first reply, or undefined after `timeoutMs` of silence. */
export async function udpExchange(
  host: string,
  port: number,
  payload: Buffer,
  timeoutMs = 1000,
): Promise<Buffer | undefined> {
  return (await udpExchangeWithSource(host, port, payload, timeoutMs))?.message
}

/** Like `udpExchange`, also telling which port the reply came from (TFTP answers from a new one). */
export function udpExchangeWithSource(
  host: string,
  port: number,
  payload: Buffer,
  timeoutMs = 1000,
): Promise<{ message: Buffer; fromPort: number } | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4')
    const timer = setTimeout(() => {
      socket.close()
      resolve(undefined)
    }, timeoutMs)
    socket.on('message', (message, remote) => {
      clearTimeout(timer)
      socket.close()
      resolve({ message, fromPort: remote.port })
    })
    socket.send(payload, port, host)
  })
}
