import { describe, expect, it } from 'vitest'
import { smbEmulator } from '../src/protocols-binary/smb.ts'
import { closeStartedAfterEach, type RawConnection, rawConnect, startBinary } from './binary-helpers.ts'
import { expectNetNtlmV2Attempt } from './binary-helpers-ntlm.ts'
import {
  ntlmAuthenticate,
  smb1Negotiate,
  smb2Negotiate,
  smb2SessionSetup,
  spnegoNtlmNegotiate,
} from './binary-helpers-packets.ts'
import { BUILDS, windowsPersona } from './windows-personas.ts'

closeStartedAfterEach()

const persona = windowsPersona(BUILDS.server2019, { hostname: 'FS01' })

/** Reads one NetBIOS-framed SMB2 message: status, command, session id and body. */
async function readSmb2(raw: RawConnection) {
  const length = (await raw.read(4)).readUInt32BE(0)
  const message = await raw.read(length)
  expect(message.subarray(0, 4)).toEqual(Buffer.from([0xfe, 0x53, 0x4d, 0x42]))
  return {
    status: message.readUInt32LE(8),
    command: message.readUInt16LE(12),
    sessionId: message.subarray(40, 48),
    body: message.subarray(64),
    message,
  }
}

describe('smb emulator', () => {
  it('upgrades an SMB1 negotiate that offers SMB 2.??? to SMB2', async () => {
    const started = await startBinary(smbEmulator, { persona })
    const raw = await rawConnect(started.host, started.port)
    raw.write(smb1Negotiate(['PC NETWORK PROGRAM 1.0', 'NT LM 0.12', 'SMB 2.002', 'SMB 2.???']))
    const response = await readSmb2(raw)
    raw.close()
    expect(response.status).toBe(0)
    expect(response.body.readUInt16LE(0)).toBe(65)
    expect(response.body.readUInt16LE(4)).toBe(0x02ff)
    const logged = await started.waitFor((event) => event.fields.command === 'smb1_negotiate')
    expect(String(logged.fields.dialects)).toContain('SMB 2.???')
  })

  it('negotiates SMB2, challenges NTLMSSP and captures the Net-NTLMv2 response', async () => {
    const started = await startBinary(smbEmulator, { persona, config: { workgroup: 'ACME' } })
    const raw = await rawConnect(started.host, started.port)
    raw.write(smb2Negotiate([0x0202, 0x0210, 0x0300, 0x0302]))
    const negotiate = await readSmb2(raw)
    expect(negotiate.body.readUInt16LE(4)).toBe(0x0302)
    const securityBuffer = negotiate.message.subarray(negotiate.body.readUInt16LE(56))
    // NTLMSSP mechanism OID 1.3.6.1.4.1.311.2.2.10 is advertised in the SPNEGO init token.
    expect(securityBuffer.includes(Buffer.from('2b06010401823702020a', 'hex'))).toBe(true)

    raw.write(smb2SessionSetup(1, spnegoNtlmNegotiate()))
    const challengeReply = await readSmb2(raw)
    expect(challengeReply.status).toBe(0xc0000016)
    const blob = challengeReply.message.subarray(challengeReply.body.readUInt16LE(4))
    const type2 = blob.subarray(blob.indexOf('NTLMSSP\0'))
    expect(type2.readUInt32LE(8)).toBe(2)
    const serverChallenge = type2.subarray(24, 32)
    const targetName = type2.subarray(type2.readUInt32LE(16), type2.readUInt32LE(16) + type2.readUInt16LE(12))
    expect(targetName.toString('utf16le')).toBe('ACME')
    const targetInfo = type2.subarray(type2.readUInt32LE(44), type2.readUInt32LE(44) + type2.readUInt16LE(40))
    expect(targetInfo.includes(Buffer.from('FS01', 'utf16le'))).toBe(true)

    const proof = Buffer.alloc(16, 0x11)
    const clientBlob = Buffer.concat([Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]), Buffer.alloc(24, 0x22)])
    raw.write(
      smb2SessionSetup(
        2,
        ntlmAuthenticate('alice', 'ACME', 'KALI', Buffer.concat([proof, clientBlob])),
        challengeReply.sessionId,
      ),
    )
    const failure = await readSmb2(raw)
    raw.close()
    expect(failure.status).toBe(0xc000006d)
    const attempt = await started.waitFor((event) => event.event === 'auth_attempt')
    expectNetNtlmV2Attempt(attempt, {
      username: 'alice',
      domain: 'ACME',
      workstation: 'KALI',
      challenge: serverChallenge,
      proof,
      blob: clientBlob,
    })
    expect(attempt.secret_fields).toEqual(['hash'])
  })

  it('in WORKGROUP answers as a stand-alone machine named by server_name', async () => {
    const started = await startBinary(smbEmulator, {
      persona,
      config: { workgroup: 'WORKGROUP', server_name: 'ACCT-PC7' },
    })
    const raw = await rawConnect(started.host, started.port)
    raw.write(smb2Negotiate([0x0210]))
    await readSmb2(raw)
    raw.write(smb2SessionSetup(1, spnegoNtlmNegotiate()))
    const reply = await readSmb2(raw)
    raw.close()
    const blob = reply.message.subarray(reply.body.readUInt16LE(4))
    const type2 = blob.subarray(blob.indexOf('NTLMSSP\0'))
    const flags = type2.readUInt32LE(20)
    expect(flags & 0x20000).toBe(0x20000) // TARGET_TYPE_SERVER
    expect(flags & 0x10000).toBe(0)
    const targetName = type2.subarray(type2.readUInt32LE(16), type2.readUInt32LE(16) + type2.readUInt16LE(12))
    expect(targetName.toString('utf16le')).toBe('ACCT-PC7')
    const info = type2.subarray(type2.readUInt32LE(44), type2.readUInt32LE(44) + type2.readUInt16LE(40))
    const ids: number[] = []
    for (let at = 0; at + 4 <= info.length; at += 4 + info.readUInt16LE(at + 2))
      ids.push(info.readUInt16LE(at))
    expect(ids).toEqual([2, 1, 4, 3, 7, 0]) // no DNS tree name on a workgroup machine
  })

  it('answers a NetBIOS session request on port 139 before SMB', async () => {
    const started = await startBinary(smbEmulator, { persona, ports: [0, 0] })
    expect(started.ports).toHaveLength(2)
    const raw = await rawConnect(started.host, started.ports[1] as number)
    const name = (text: string) => {
      const padded = text.padEnd(16, ' ')
      const encoded = [...padded].flatMap((char) => [
        65 + (char.charCodeAt(0) >> 4),
        65 + (char.charCodeAt(0) & 0x0f),
      ])
      return Buffer.from([32, ...encoded, 0])
    }
    const request = Buffer.concat([name('FS01'), name('ATTACKER')])
    raw.write(Buffer.concat([Buffer.from([0x81, 0, 0, request.length]), request]))
    expect(await raw.read(4)).toEqual(Buffer.from([0x82, 0, 0, 0]))
    raw.write(smb2Negotiate([0x0202]))
    expect((await readSmb2(raw)).body.readUInt16LE(4)).toBe(0x0202)
    raw.close()
    const session = await started.waitFor((event) => event.fields.command === 'netbios_session')
    expect(session.fields).toMatchObject({ called_name: 'FS01', calling_name: 'ATTACKER' })
  })
})
