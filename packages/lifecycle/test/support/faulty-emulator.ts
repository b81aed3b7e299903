/**
 * Test-only emulator for the decoy worker's guard: answers `ok <decky>` to every connection, and on
 * the line `reject` / `throw` / `leak` faults the way a buggy emulator could — an unhandled rejection,
 * an uncaught exception outside any handler, or unbounded memory growth; `big` emits an event far
 * over the 16 KiB line cap.
 */
import { type Emulator, tcpOnEveryPort } from '@decnet/decoys'

const hoard: { i: number; s: string }[][] = []

export const emulator: Emulator = {
  slug: 'faulty',
  async start(ctx) {
    return tcpOnEveryPort(ctx, {
      handle: (session) => {
        session.write(`ok ${ctx.decky}\n`)
        return {
          onLine: (line) => {
            if (line === 'big') session.emit('request', { path: '/big', body: 'B'.repeat(300_000) })
            if (line === 'reject') void Promise.reject(new Error('injected unhandled rejection'))
            if (line === 'throw')
              setImmediate(() => {
                throw new Error('injected uncaught exception')
              })
            if (line === 'leak')
              setInterval(() => {
                // JS heap objects (not Buffers): what the worker's heap cap bounds.
                hoard.push(Array.from({ length: 50_000 }, (_, i) => ({ i, s: `leak-${i}` })))
              }, 1)
          },
        }
      },
    })
  },
}
