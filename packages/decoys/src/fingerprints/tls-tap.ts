import type { Socket } from 'node:net'
import { type ClientHello, MAX_CLIENT_HELLO_BYTES, scanClientHello } from './client-hello.ts'

/**
 * What the peek found: the hello, if any. `timedOut` when the peer stayed silent or stalled for the
 * whole handshake time; `hungUp` when it closed or half-closed before a complete hello (the socket
 * has nothing left for TLS to read: a port scanner's connect-and-close).
 */
export type PeekedHello = { hello: ClientHello | undefined; timedOut: boolean; hungUp: boolean }

/**
 * Reads a fresh socket's first bytes until they hold a complete ClientHello (or clearly none: a
 * plain-text probe, an oversized or broken hello, silence for `timeoutMs`, a hang-up), then puts
 * every byte read back (`unshift`) and leaves the socket paused, so a TLS server wrapping it next
 * (`new TLSSocket(socket)` / `tls.Server#emit('connection')`) reads the handshake from the start.
 */
export function peekClientHello(socket: Socket, timeoutMs: number): Promise<PeekedHello> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let length = 0
    let settled = false
    const finish = (hello: ClientHello | undefined, timedOut = false, hungUp = false) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.off('data', onData)
      socket.off('end', onEnd)
      socket.off('close', onEnd)
      socket.pause()
      if (length > 0 && !socket.destroyed) socket.unshift(Buffer.concat(chunks, length))
      resolve({ hello, timedOut, hungUp })
    }
    const onData = (chunk: Buffer) => {
      chunks.push(chunk)
      length += chunk.length
      const scan = scanClientHello(Buffer.concat(chunks, length))
      if (scan.kind === 'hello') finish(scan.hello)
      else if (scan.kind !== 'incomplete' || length > MAX_CLIENT_HELLO_BYTES + 1024) finish(undefined)
    }
    const onEnd = () => finish(undefined, false, true)
    const timer = setTimeout(() => finish(undefined, true), timeoutMs)
    timer.unref()
    socket.on('data', onData)
    socket.once('end', onEnd)
    socket.once('close', onEnd)
  })
}
