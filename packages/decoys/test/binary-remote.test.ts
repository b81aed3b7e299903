import { connect, type TLSSocket } from 'node:tls'
import { describe, expect, it } from 'vitest'
import { rdpEmulator } from '../src/protocols-binary/rdp.ts'
import { vncEmulator } from '../src/protocols-binary/vnc.ts'
import { closeStartedAfterEach, type RawConnection, rawConnect, startBinary } from './binary-helpers.ts'
import { expectNetNtlmV2Attempt } from './binary-helpers-ntlm.ts'
import {
  mcsConnectInitial,
  ntlmAuthenticate,
  ntlmNegotiate,
  rdpConnectionRequest,
  tsRequest,
} from './binary-helpers-packets.ts'
import { BUILDS, windowsPersona } from './windows-personas.ts'

closeStartedAfterEach()

const ts01 = windowsPersona(BUILDS.server2019, { hostname: 'TS01' })

/** Completes the TLS handshake RDP starts after the confirm, on the same TCP connection. */
function startTls(raw: RawConnection): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const tls = connect({ socket: raw.socket, rejectUnauthorized: false }, () => resolve(tls))
    tls.once('error', reject)
  })
}

function readOnce(socket: TLSSocket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    socket.once('data', resolve)
    socket.once('error', reject)
  })
}

describe('rdp emulator', () => {
  it('captures the mstshash cookie, speaks TLS with a host certificate and reads the client core data', async () => {
    const started = await startBinary(rdpEmulator, {
      persona: ts01,
      config: { nla: false, workgroup: 'ACME' },
    })
    const raw = await rawConnect(started.host, started.port)
    raw.write(rdpConnectionRequest('administrator', 0x0b))
    const confirm = await raw.read(19)
    expect(confirm.subarray(0, 4)).toEqual(Buffer.from([3, 0, 0, 19]))
    expect(confirm[5]).toBe(0xd0)
    expect(confirm.readUInt16BE(8)).toBe(0x1234) // Windows' fixed source reference
    expect(confirm[11]).toBe(0x02)
    expect([0x1f, 0x07]).toContain(confirm[12])
    expect(confirm.readUInt32LE(15)).toBe(1)
    const tls = await startTls(raw)
    expect(tls.getPeerCertificate().subject.CN).toBe('TS01.acme.local')
    tls.write(mcsConnectInitial('KALI-BOX', 19041))
    const attempt = await started.waitFor((event) => event.event === 'auth_attempt')
    expect(attempt.fields).toMatchObject({
      username: 'administrator',
      requested_protocols: 'rdp,ssl,hybrid,hybrid_ex',
    })
    const core = await started.waitFor((event) => event.fields.kind === 'mcs_connect_initial')
    expect(core.fields).toMatchObject({
      client_name: 'KALI-BOX',
      client_build: 19041,
      keyboard_layout: '0x00000409',
    })
    tls.destroy()
  })

  it('reads the client core data over standard RDP security too', async () => {
    const started = await startBinary(rdpEmulator, { persona: ts01, config: { nla: false } })
    const raw = await rawConnect(started.host, started.port)
    raw.write(rdpConnectionRequest(undefined, 0x00))
    expect((await raw.read(19)).readUInt32LE(15)).toBe(0)
    raw.write(mcsConnectInitial('OLDBOX', 2600))
    await raw.closed()
    const core = await started.waitFor((event) => event.fields.kind === 'mcs_connect_initial')
    expect(core.fields.client_name).toBe('OLDBOX')
  })

  it('with nla, runs CredSSP far enough to capture the Net-NTLMv2 response, then fails the logon', async () => {
    const started = await startBinary(rdpEmulator, {
      persona: ts01,
      config: { nla: true, workgroup: 'ACME' },
    })
    const raw = await rawConnect(started.host, started.port)
    raw.write(rdpConnectionRequest('jdoe', 0x03))
    const confirm = await raw.read(19)
    expect(confirm[11]).toBe(0x02)
    expect(confirm.readUInt32LE(15)).toBe(2)
    const tls = await startTls(raw)
    tls.write(tsRequest(6, ntlmNegotiate()))
    const reply = await readOnce(tls)
    const type2 = reply.subarray(reply.indexOf('NTLMSSP\0'))
    expect(type2.readUInt32LE(8)).toBe(2)
    const challenge = type2.subarray(24, 32)
    const targetName = type2.subarray(type2.readUInt32LE(16), type2.readUInt32LE(16) + type2.readUInt16LE(12))
    expect(targetName.toString('utf16le')).toBe('ACME')
    const proof = Buffer.alloc(16, 0x33)
    const blob = Buffer.concat([Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]), Buffer.alloc(32, 0x44)])
    tls.write(tsRequest(6, ntlmAuthenticate('jdoe', 'ACME', 'ATTACKER-PC', Buffer.concat([proof, blob]))))
    const failure = await readOnce(tls)
    // errorCode [4] INTEGER STATUS_LOGON_FAILURE (0xC000006D as a signed 32-bit value)
    expect(failure.includes(Buffer.from('a4060204c000006d', 'hex'))).toBe(true)
    tls.destroy()
    const attempt = await started.waitFor((event) => event.fields.kind === 'credssp')
    expectNetNtlmV2Attempt(attempt, {
      username: 'jdoe',
      domain: 'ACME',
      workstation: 'ATTACKER-PC',
      challenge,
      proof,
      blob,
    })
  })

  it('with nla, tells a legacy client that NLA is required', async () => {
    const started = await startBinary(rdpEmulator, { persona: ts01, config: { nla: true } })
    const legacy = await rawConnect(started.host, started.port)
    legacy.write(rdpConnectionRequest(undefined, 0x00))
    const failure = await legacy.read(19)
    expect(failure[11]).toBe(0x03)
    expect(failure.readUInt32LE(15)).toBe(5)
    await legacy.closed()
  })
})

describe('vnc emulator', () => {
  it('runs the RFB 3.8 handshake and captures the challenge response', async () => {
    const started = await startBinary(vncEmulator)
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
    const started = await startBinary(vncEmulator)
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
