import { describe, expect, it } from 'vitest'
import { tftpEmulator } from '../src/protocols-binary/tftp.ts'
import { closeStartedAfterEach, startBinary, udpExchange, udpExchangeWithSource } from './binary-helpers.ts'

closeStartedAfterEach()

const request = (opcode: number, ...parts: string[]) =>
  Buffer.concat([Buffer.from([0, opcode]), Buffer.from(parts.map((part) => `${part}\0`).join(''), 'latin1')])

describe('tftp emulator', () => {
  it('logs RRQ/WRQ with file name, mode and options and answers ERROR packets', async () => {
    const started = await startBinary(tftpEmulator)
    const answer = await udpExchangeWithSource(
      started.host,
      started.port,
      request(1, 'startup-config', 'octet', 'blksize', '1428'),
    )
    // Like tftpd, the answer comes from a fresh transfer port, not from the listening one.
    expect(answer?.fromPort).not.toBe(started.port)
    const read = answer?.message
    expect(read?.readUInt16BE(0)).toBe(5)
    expect(read?.readUInt16BE(2)).toBe(1)
    expect(read?.subarray(4).toString()).toBe('File not found\0')
    const write = await udpExchange(started.host, started.port, request(2, 'x.bin', 'netascii'))
    // tftpd-hpa (the Linux persona's server) opens without O_CREAT: a missing file is "not found".
    expect(write?.readUInt16BE(2)).toBe(1)
    const rrq = await started.waitFor((event) => event.fields.opcode === 'RRQ')
    expect(rrq.fields).toMatchObject({ filename: 'startup-config', mode: 'octet', options: 'blksize=1428' })
    const wrq = await started.waitFor((event) => event.fields.opcode === 'WRQ')
    expect(wrq.fields.filename).toBe('x.bin')
  })
})
