import { createSocket } from 'node:dgram'
import { isIPv6 } from 'node:net'
import type { ServiceProduct } from '@decnet/core'
import type { Emulator } from '../emulator.ts'
import { udpOnEveryPort } from '../framework/listeners.ts'
import type { UdpPeer } from '../framework/udp.ts'
import { textOf } from './text.ts'

const OPCODES: Record<number, string> = { 1: 'RRQ', 2: 'WRQ' }

function errorPacket(code: number, message: string): Buffer {
  return Buffer.concat([Buffer.from([0, 5, 0, code]), Buffer.from(`${message}\0`, 'latin1')])
}

/** Transfers answered from their own port at once; beyond this, a flood is answered from port 69. */
const MAX_TRANSFER_SOCKETS = 32

/** How the product refuses a request for a file it does not have. */
export type TftpRefusals = {
  read: Buffer
  write: Buffer
  badMode: Buffer
  /** Reply to a datagram that is no request at all (tftpd-hpa's per-request child just exits). */
  notARequest: Buffer | undefined
}

/**
 * tftpd-hpa (Debian's `--secure`, no `--create`) opens the file without O_CREAT for a write too, so a
 * missing file is "File not found" either way; firmware servers refuse writes as access violations.
 */
export function tftpRefusals(product: ServiceProduct | undefined): TftpRefusals {
  if (!product || product.product === 'tftpd-hpa') {
    return {
      read: errorPacket(1, 'File not found'),
      write: errorPacket(1, 'File not found'),
      badMode: errorPacket(4, 'Unknown mode'),
      notARequest: undefined,
    }
  }
  return {
    read: errorPacket(1, 'File not found'),
    write: errorPacket(2, 'Access violation'),
    badMode: errorPacket(4, 'Illegal TFTP operation'),
    notARequest: errorPacket(4, 'Illegal TFTP operation'),
  }
}

/**
 * TFTP: read and write requests are logged (file name, mode, RFC 2347 options) and refused the way
 * the persona's TFTP server does when the file is missing.
 */
export const tftpEmulator: Emulator = {
  slug: 'tftp',
  async start(ctx) {
    const refusals = tftpRefusals(ctx.persona.services.tftp)
    let transferSockets = 0
    // A real tftpd answers a request from a fresh port (the transfer ID), not from port 69.
    const replyFromTransferPort = (peer: UdpPeer, packet: Buffer) => {
      if (transferSockets >= MAX_TRANSFER_SOCKETS) {
        peer.reply(packet)
        return
      }
      transferSockets++
      const socket = createSocket(isIPv6(ctx.bindAddress) ? 'udp6' : 'udp4')
      let finished = false
      const done = () => {
        if (finished) return
        finished = true
        transferSockets--
        socket.close()
      }
      socket.on('error', done)
      socket.bind(0, ctx.bindAddress, () => {
        try {
          socket.send(packet, peer.port, peer.ip, done)
        } catch {
          done()
        }
      })
    }
    return udpOnEveryPort(ctx, {
      maxDatagramBytes: 1024,
      handle(datagram, peer) {
        if (datagram.length < 4) return
        const opcode = datagram.readUInt16BE(0)
        const name = OPCODES[opcode]
        if (!name) {
          // DATA/ACK/ERROR for a transfer that does not exist: tftpd ignores these too.
          if (opcode > 5 && refusals.notARequest) peer.reply(refusals.notARequest)
          return
        }
        const parts = textOf(datagram.subarray(2), 1024, 'latin1').split('\0')
        const filename = parts[0] ?? ''
        const mode = (parts[1] ?? '').toLowerCase()
        const options: string[] = []
        for (let i = 2; i + 1 < parts.length && options.length < 16; i += 2) {
          if (parts[i]) options.push(`${parts[i]}=${parts[i + 1]}`)
        }
        peer.emit('request', {
          opcode: name,
          filename,
          mode,
          ...(options.length > 0 ? { options: options.join(',') } : {}),
        })
        if (mode !== 'netascii' && mode !== 'octet' && mode !== 'mail') {
          replyFromTransferPort(peer, refusals.badMode)
        } else {
          replyFromTransferPort(peer, opcode === 1 ? refusals.read : refusals.write)
        }
      },
    })
  },
}
