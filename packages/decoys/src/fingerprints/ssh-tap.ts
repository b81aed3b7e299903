import type { Socket } from 'node:net'
import { type KexInit, MAX_KEXINIT_PACKET_BYTES, scanSshClient } from './ssh-kexinit.ts'

/**
 * Watches an SSH client's first bytes beside the SSH library (a second `data` listener sees the
 * same chunks and takes nothing from them) until its KEXINIT is read, then stops listening.
 * `onKexInit` runs at most once; nothing runs for a client that sends no KEXINIT.
 */
export function tapSshKexInit(
  socket: Socket,
  onKexInit: (clientVersion: string, kexinit: KexInit) => void,
): void {
  const chunks: Buffer[] = []
  let length = 0
  const stop = () => {
    socket.off('data', onData)
    chunks.length = 0
  }
  const onData = (chunk: Buffer) => {
    chunks.push(chunk)
    length += chunk.length
    const scan = scanSshClient(Buffer.concat(chunks, length))
    if (scan.kind === 'incomplete') {
      if (length > MAX_KEXINIT_PACKET_BYTES + 1024) stop()
      return
    }
    stop()
    if (scan.kind === 'kexinit') onKexInit(scan.clientVersion, scan.kexinit)
  }
  socket.on('data', onData)
  socket.once('close', stop)
}
