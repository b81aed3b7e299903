import type { Emulator } from '../emulator.ts'
import { udpOnEveryPort } from './listeners.ts'
import { textOf } from './text.ts'

const OPCODES: Record<number, string> = { 1: 'RRQ', 2: 'WRQ' }

function errorPacket(code: number, message: string): Buffer {
  return Buffer.concat([Buffer.from([0, 5, 0, code]), Buffer.from(`${message}\0`, 'latin1')])
}

/**
 * TFTP: read and write requests are logged (file name, mode, RFC 2347 options) and refused the way
 * tftpd does when the file is missing or the directory is not writable.
 */
export const tftpEmulator: Emulator = {
  slug: 'tftp',
  async start(ctx) {
    return udpOnEveryPort(ctx, {
      maxDatagramBytes: 1024,
      handle(datagram, peer) {
        if (datagram.length < 4) return
        const opcode = datagram.readUInt16BE(0)
        const name = OPCODES[opcode]
        if (!name) {
          // DATA/ACK/ERROR for a transfer that does not exist: tftpd ignores these too.
          if (opcode > 5) peer.reply(errorPacket(4, 'Illegal TFTP operation'))
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
          peer.reply(errorPacket(4, 'Illegal TFTP operation'))
        } else if (opcode === 1) {
          peer.reply(errorPacket(1, 'File not found'))
        } else {
          peer.reply(errorPacket(2, 'Access violation'))
        }
      },
    })
  },
}
