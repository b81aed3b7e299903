import { createSocket, type Socket } from 'node:dgram'
import { isIPv6 } from 'node:net'
import type { EmulatorContext } from '../emulator.ts'
import { peerAddress } from './events.ts'
import type { Fields } from './tcp.ts'

/** The sender of one datagram. */
export type UdpPeer = {
  readonly ip: string
  readonly port: number
  emit(event: string, fields?: Fields, secretFields?: string[]): void
  reply(data: string | Uint8Array): void
}

export type UdpListenOptions = {
  ctx: EmulatorContext
  port: number
  host?: string
  /** Larger datagrams are cut to this size before the handler sees them (default 8 KiB). */
  maxDatagramBytes?: number
  handle(datagram: Buffer, peer: UdpPeer, truncated: boolean): void
}

export type UdpListener = {
  port: number
  socket: Socket
  close(): Promise<void>
}

export async function listenUdp(options: UdpListenOptions): Promise<UdpListener> {
  const { ctx } = options
  const host = options.host ?? ctx.bindAddress
  const maxBytes = options.maxDatagramBytes ?? 8 * 1024
  const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' })
  socket.on('error', () => undefined)
  socket.on('message', (message, remote) => {
    const ip = peerAddress(remote.address)
    const peer: UdpPeer = {
      ip,
      port: remote.port,
      emit: (event, fields = {}, secretFields) =>
        ctx.emit({
          event,
          src_ip: ip,
          src_port: remote.port,
          fields,
          ...(secretFields?.length ? { secret_fields: secretFields } : {}),
        }),
      reply: (data) => socket.send(data, remote.port, remote.address),
    }
    const truncated = message.length > maxBytes
    try {
      options.handle(truncated ? message.subarray(0, maxBytes) : message, peer, truncated)
    } catch {
      // A malformed datagram is the peer's problem; the listener keeps serving.
    }
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.bind(options.port, host, () => {
      socket.off('error', reject)
      resolve()
    })
  })
  return {
    port: socket.address().port,
    socket,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  }
}
