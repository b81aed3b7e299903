import { afterEach, describe, expect, it } from 'vitest'
import { rdpEmulator } from '../src/protocols-binary/rdp.ts'
import { vncEmulator } from '../src/protocols-binary/vnc.ts'
import { rawConnect, type Started, startBinary } from './binary-helpers.ts'
import { rdpConnectionRequest } from './binary-helpers-packets.ts'

let started: Started | undefined
afterEach(async () => {
  await started?.close()
  started = undefined
})

describe('rdp emulator', () => {
  it('captures the mstshash cookie and confirms TLS', async () => {
    started = await startBinary(rdpEmulator)
    const raw = await rawConnect(started.host, started.port)
    raw.write(rdpConnectionRequest('administrator', 0x0b))
    const confirm = await raw.read(19)
    expect(confirm.subarray(0, 4)).toEqual(Buffer.from([3, 0, 0, 19]))
    expect(confirm[5]).toBe(0xd0)
    expect(confirm[11]).toBe(0x02)
    expect(confirm.readUInt32LE(15)).toBe(1)
    raw.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]))
    await raw.closed()
    const attempt = await started.waitFor((event) => event.event === 'auth_attempt')
    expect(attempt.fields).toMatchObject({
      username: 'administrator',
      requested_protocols: 'rdp,ssl,hybrid,hybrid_ex',
    })
    const after = await started.waitFor((event) => event.fields.kind === 'post_negotiation')
    expect(after.fields.tls_client_hello).toBe(true)
  })

  it('with nla, selects CredSSP or tells a legacy client that NLA is required', async () => {
    started = await startBinary(rdpEmulator, { config: { nla: true } })
    const modern = await rawConnect(started.host, started.port)
    modern.write(rdpConnectionRequest('jdoe', 0x03))
    const confirm = await modern.read(19)
    expect(confirm[11]).toBe(0x02)
    expect(confirm.readUInt32LE(15)).toBe(2)
    modern.close()
    const legacy = await rawConnect(started.host, started.port)
    legacy.write(rdpConnectionRequest(undefined, 0x00))
    const failure = await legacy.read(19)
    expect(failure[11]).toBe(0x03)
    expect(failure.readUInt32LE(15)).toBe(5)
    legacy.close()
  })
})

describe('vnc emulator', () => {
  it('runs the RFB 3.8 handshake and captures the challenge response', async () => {
    started = await startBinary(vncEmulator)
    const raw = await rawConnect(started.host, started.port)
    expect((await raw.read(12)).toString()).toBe('RFB 003.008\n')
    raw.write('RFB 003.008\n')
    expect(await raw.read(2)).toEqual(Buffer.from([1, 2]))
    raw.write(Buffer.from([2]))
    const challenge = await raw.read(16)
    const response = Buffer.alloc(16, 0x5a)
    raw.write(response)
    const result = await raw.read(4)
    expect(result.readUInt32BE(0)).toBe(1)
    const reasonLength = (await raw.read(4)).readUInt32BE(0)
    expect((await raw.read(reasonLength)).toString()).toBe('Authentication failed')
    const attempt = await started.waitFor((event) => event.event === 'auth_attempt')
    expect(attempt.fields).toMatchObject({
      client_version: 'RFB 003.008',
      challenge: challenge.toString('hex'),
      hash: response.toString('hex'),
    })
    expect(attempt.secret_fields).toEqual(['hash'])
  })

  it('speaks RFB 3.3 to old clients (server-chosen security type)', async () => {
    started = await startBinary(vncEmulator)
    const raw = await rawConnect(started.host, started.port)
    await raw.read(12)
    raw.write('RFB 003.003\n')
    expect((await raw.read(4)).readUInt32BE(0)).toBe(2)
    await raw.read(16)
    raw.write(Buffer.alloc(16, 1))
    expect((await raw.read(4)).readUInt32BE(0)).toBe(1)
    await raw.closed()
  })
})
