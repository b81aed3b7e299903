import { connect, type Socket } from 'node:net'
import type { ConnectionLimits, DecoyEvent, RunningEmulator } from '../src/emulator.ts'
import { startEmulator } from '../src/start.ts'
import { type TestStartOptions, trackStarted } from './started.ts'

export { closeStartedAfterEach } from './started.ts'

let nextHost = 1

/** A fresh loopback address per emulator so parallel tests never share a listener. */
export function loopbackHost(): string {
  const n = nextHost++
  return `127.88.${(process.pid % 200) + 1}.${(n % 250) + 2}`
}

export type EventLog = {
  events: DecoyEvent[]
  /** Resolves with the first event matching, waiting up to `timeoutMs`. */
  waitFor(predicate: (event: DecoyEvent) => boolean, timeoutMs?: number): Promise<DecoyEvent>
}

export function eventLog(): EventLog & { sink: (event: DecoyEvent) => void } {
  const events: DecoyEvent[] = []
  const waiters: { predicate: (event: DecoyEvent) => boolean; resolve: (event: DecoyEvent) => void }[] = []
  return {
    events,
    sink: (event) => {
      events.push(event)
      for (const waiter of [...waiters]) {
        if (waiter.predicate(event)) {
          waiters.splice(waiters.indexOf(waiter), 1)
          waiter.resolve(event)
        }
      }
    },
    waitFor: (predicate, timeoutMs = 5000) => {
      const found = events.find(predicate)
      if (found) return Promise.resolve(found)
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve }
        waiters.push(waiter)
        setTimeout(() => {
          const index = waiters.indexOf(waiter)
          if (index !== -1) {
            waiters.splice(index, 1)
            reject(
              new Error(
                `no matching event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.event))}`,
              ),
            )
          }
        }, timeoutMs).unref()
      })
    },
  }
}

export async function startTestEmulator(
  slug: string,
  options: TestStartOptions & { limits?: ConnectionLimits } = {},
) {
  const log = eventLog()
  const host = loopbackHost()
  const running = await startEmulator(slug, {
    decky: 'decky-test',
    bindAddress: host,
    ports: options.ports ?? [0],
    config: options.config ?? {},
    seed: options.seed ?? `seed-${slug}`,
    hostname: options.hostname ?? 'SRV-DELTA-42',
    onEvent: log.sink,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.fileDrops ? { fileDrops: options.fileDrops } : {}),
  })
  const tracked: RunningEmulator = { ports: running.ports, close: trackStarted(() => running.close()) }
  return { host, running: tracked, port: running.ports[0] as number, ...log }
}

/** A raw TCP client that collects everything received as text. */
export async function rawClient(host: string, port: number) {
  const socket: Socket = connect({ host, port })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  let received = ''
  const listeners: (() => void)[] = []
  socket.on('data', (chunk) => {
    received += chunk.toString('latin1')
    for (const listener of listeners.splice(0)) listener()
  })
  socket.on('error', () => undefined)
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  return {
    socket,
    closed,
    get received() {
      return received
    },
    send(data: string | Buffer) {
      socket.write(data)
    },
    /** Waits until the received text matches, then returns everything received so far and clears it. */
    async expect(pattern: RegExp, timeoutMs = 5000): Promise<string> {
      const deadline = Date.now() + timeoutMs
      while (!pattern.test(received)) {
        if (Date.now() > deadline || socket.destroyed) {
          throw new Error(`expected ${pattern} but received ${JSON.stringify(received)}`)
        }
        await new Promise<void>((resolve) => {
          listeners.push(resolve)
          setTimeout(resolve, 50)
        })
      }
      const text = received
      received = ''
      return text
    },
    close() {
      socket.destroy()
    },
  }
}

/** Whether ip:port accepts a TCP connection right now. */
export function tcpAnswers(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: ip, port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** Resolves once ip:port accepts a TCP connection (a container's emulator is up), polling for ~10 s. */
export async function tcpReady(ip: string, port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await tcpAnswers(ip, port)) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${ip}:${port} never accepted a connection`)
}
