import type { Socket } from 'node:net'
import { type ClientHello, MAX_CLIENT_HELLO_BYTES, scanClientHello } from './client-hello.ts'

/**
 * Reads a fresh socket's first bytes until they hold a complete ClientHello (or clearly none: a
 * plain-text probe, an oversized or broken hello, silence for `timeoutMs`, a hang-up), then puts
 * every byte read back (`unshift`) and leaves the socket paused, so a TLS server wrapping it next
 * (`new TLSSocket(socket)` / `tls.Server#emit('connection')`) reads the handshake from the start.
 */
export function peekClientHello(socket: Socket, timeoutMs: number): Promise<ClientHello | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let length = 0
    let settled = false
    const finish = (hello: ClientHello | undefined) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.off('data', onData)
      socket.off('end', onEnd)
      socket.off('close', onEnd)
      socket.pause()
      if (length > 0 && !socket.destroyed) socket.unshift(Buffer.concat(chunks, length))
      resolve(hello)
    }
    const onData = (chunk: Buffer) => {
      chunks.push(chunk)
      length += chunk.length
      const scan = scanClientHello(Buffer.concat(chunks, length))
      if (scan.kind === 'hello') finish(scan.hello)
      else if (scan.kind !== 'incomplete' || length > MAX_CLIENT_HELLO_BYTES + 1024) finish(undefined)
    }
    const onEnd = () => finish(undefined)
    const timer = setTimeout(() => finish(undefined), timeoutMs)
    timer.unref()
    socket.on('data', onData)
    socket.once('end', onEnd)
    socket.once('close', onEnd)
  })
}
