// A TCP flooder of junk connections, counting exactly which connections it opened: each one a decoy
// must record as `connect` and `disconnect`, attributed to this source port.
import { randomBytes } from 'node:crypto'
import net from 'node:net'

/**
 * - garbage: random bytes, then a close;
 * - silent: connects, says nothing and holds the socket a moment (a connect-scan or a slow client);
 * - reset: connects and resets at once (RST), often before the decoy has even accepted it.
 */
export const FLOOD_MODES = ['garbage', 'silent', 'reset'] as const
/** `held`: one of a burst held open together, more than a decoy serves at once (its connection cap). */
export type FloodMode = (typeof FLOOD_MODES)[number] | 'held'

export type FloodTarget = { decky: string; ip: string; port: number }

/** One connection the kernel established: where to, from which source port, how it was used. */
export type OpenedConnection = FloodTarget & { sourcePort: number; mode: FloodMode }

export type FloodReport = {
  opened: OpenedConnection[]
  /** Attempts that never connected, by error code. */
  failed: Record<string, number>
}

const SILENT_HOLD_MS = 1_500
const CONNECT_TIMEOUT_MS = 10_000
/** After its part is done, a connection is dropped if the decoy has not closed it by then. */
const LINGER_MS = 3_000

function connectOnce(target: FloodTarget, mode: FloodMode): Promise<OpenedConnection | string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.ip, port: target.port })
    let opened: OpenedConnection | undefined
    const timer = setTimeout(() => socket.destroy(new Error('ETIMEDOUT')), CONNECT_TIMEOUT_MS)
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!opened) resolve(error.code ?? error.message)
    })
    socket.on('close', () => {
      clearTimeout(timer)
      if (opened) resolve(opened)
    })
    socket.once('connect', () => {
      opened = { ...target, sourcePort: socket.localPort ?? 0, mode }
      clearTimeout(timer)
      if (mode === 'reset') socket.resetAndDestroy()
      else if (mode === 'garbage') socket.end(randomBytes(1 + Math.floor(Math.random() * 512)))
      else setTimeout(() => socket.end(), SILENT_HOLD_MS)
      // A peer that never closes its side must not hold the flooder.
      setTimeout(() => socket.destroy(), SILENT_HOLD_MS + LINGER_MS).unref()
    })
  })
}

/**
 * Opens connections round-robin over `targets` and the modes, at most `concurrency` at once and
 * `ratePerSecond` started per second, until `signal` aborts; resolves once every one has closed.
 */
export async function flood(
  targets: FloodTarget[],
  options: { concurrency: number; ratePerSecond: number; signal: AbortSignal },
): Promise<FloodReport> {
  const report: FloodReport = { opened: [], failed: {} }
  const interval = 1000 / options.ratePerSecond
  const started = performance.now()
  let next = 0
  const worker = async () => {
    while (!options.signal.aborted) {
      const n = next++
      const due = started + n * interval
      const wait = due - performance.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      if (options.signal.aborted) return
      // The mode changes every sweep over the targets, so each target sees every mode.
      const mode = FLOOD_MODES[Math.floor(n / targets.length) % FLOOD_MODES.length]!
      const result = await connectOnce(targets[n % targets.length]!, mode)
      if (typeof result === 'string') report.failed[result] = (report.failed[result] ?? 0) + 1
      else report.opened.push(result)
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, worker))
  return report
}

/**
 * Opens `count` connections to one target at once and holds them all for `holdMs` before closing
 * them: more than the decoy's connection cap, so it must turn some away (and say so).
 */
export async function holdOpen(target: FloodTarget, count: number, holdMs: number): Promise<FloodReport> {
  const report: FloodReport = { opened: [], failed: {} }
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Socket | undefined>((resolve) => {
          const socket = net.connect({ host: target.ip, port: target.port })
          socket.on('error', (error: NodeJS.ErrnoException) => {
            if (
              socket.localPort !== undefined &&
              report.opened.some((c) => c.sourcePort === socket.localPort)
            )
              return // reset after connecting: the decoy refused it at its cap
            const code = error.code ?? error.message
            report.failed[code] = (report.failed[code] ?? 0) + 1
            resolve(undefined)
          })
          socket.resume()
          socket.once('connect', () => {
            report.opened.push({ ...target, sourcePort: socket.localPort ?? 0, mode: 'held' })
            resolve(socket)
          })
        }),
    ),
  )
  await new Promise((resolve) => setTimeout(resolve, holdMs))
  for (const socket of sockets) socket?.destroy()
  return report
}
