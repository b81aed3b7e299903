// The Windows protocols read one persona: SMB, NTLM, NetBIOS, MS-RPC, RDP, LDAP and MSSQL name the
// same computer, domain and build, and answer as that build (or Samba) really does.
import { X509Certificate } from 'node:crypto'
import { connect, type TLSSocket } from 'node:tls'
import { derivePersona, personaBytes, seedFromName } from '@decnet/core/persona'
import { describe, expect, it } from 'vitest'
import {
  type BerElement,
  berChildren,
  berFrameLength,
  enumerated,
  expectBer,
  integer,
  octets,
  tlvLongForm,
} from '../src/protocols-binary/ber.ts'
import { ldapEmulator } from '../src/protocols-binary/ldap.ts'
import { msrpcEmulator, uuidBytes } from '../src/protocols-binary/msrpc.ts'
import { mssqlEmulator } from '../src/protocols-binary/mssql.ts'
import { encodeNetbiosName, nbnsEmulator } from '../src/protocols-binary/nbns.ts'
import { rdpEmulator } from '../src/protocols-binary/rdp.ts'
import { smbEmulator } from '../src/protocols-binary/smb.ts'
import { personaKeyed } from '../src/protocols-binary/windows-persona.ts'
import {
  closeStartedAfterEach,
  type RawConnection,
  rawConnect,
  type Started,
  startBinary,
  udpExchange,
} from './binary-helpers.ts'
import {
  rdpConnectionRequest,
  smb1Negotiate,
  smb2Negotiate,
  smb2SessionSetup,
  spnegoNtlmNegotiate,
  tdsPrelogin,
} from './binary-helpers-packets.ts'
import { BUILDS, sambaPersona, windowsPersona } from './windows-personas.ts'

closeStartedAfterEach()

const FILETIME_EPOCH_MS = 11_644_473_600_000n
const fromFileTime = (bytes: Buffer, at: number) =>
  Number(bytes.readBigUInt64LE(at) / 10_000n - FILETIME_EPOCH_MS)

async function readSmb2(raw: RawConnection) {
  const length = (await raw.read(4)).readUInt32BE(0)
  const message = await raw.read(length)
  return { status: message.readUInt32LE(8), body: message.subarray(64), message }
}

/** SMB2 NEGOTIATE with 3.1.1 contexts (preauth SHA-512, ciphers, signing) as smbclient sends it. */
function smb311Negotiate(dialects: number[]): Buffer {
  const frame = smb2Negotiate(dialects)
  const message = frame.subarray(4)
  const preauth = Buffer.concat([
    Buffer.from([1, 0, 38, 0, 0, 0, 0, 0, 1, 0, 32, 0, 1, 0]),
    Buffer.alloc(32, 7),
  ])
  const ciphers = Buffer.from([2, 0, 6, 0, 0, 0, 0, 0, 2, 0, 1, 0, 2, 0])
  const signing = Buffer.from([8, 0, 6, 0, 0, 0, 0, 0, 2, 0, 1, 0, 2, 0])
  const start = (message.length + 7) & ~7
  const padded = Buffer.concat([message, Buffer.alloc(start - message.length)])
  const contexts = Buffer.concat([preauth, Buffer.alloc(2), ciphers, Buffer.alloc(2), signing])
  padded.writeUInt32LE(start, 64 + 28)
  padded.writeUInt16LE(3, 64 + 32)
  const out = Buffer.concat([padded, contexts])
  const header = Buffer.alloc(4)
  header.writeUInt32BE(out.length)
  return Buffer.concat([header, out])
}

async function negotiate(started: Started, dialects: number[]) {
  const raw = await rawConnect(started.host, started.port)
  raw.write(dialects.includes(0x0311) ? smb311Negotiate(dialects) : smb2Negotiate(dialects))
  const reply = await readSmb2(raw)
  return { raw, ...reply }
}

/** The CHALLENGE message answered to an NTLM NEGOTIATE, and its target info pairs by id. */
async function challenge(raw: RawConnection) {
  raw.write(smb2SessionSetup(1, spnegoNtlmNegotiate()))
  const reply = await readSmb2(raw)
  const blob = reply.message.subarray(reply.body.readUInt16LE(4))
  const type2 = blob.subarray(blob.indexOf('NTLMSSP\0'))
  const info = type2.subarray(type2.readUInt32LE(44), type2.readUInt32LE(44) + type2.readUInt16LE(40))
  const pairs = new Map<number, Buffer>()
  for (let at = 0; at + 4 <= info.length; at += 4 + info.readUInt16LE(at + 2))
    pairs.set(info.readUInt16LE(at), info.subarray(at + 4, at + 4 + info.readUInt16LE(at + 2)))
  const text = (id: number) => pairs.get(id)?.toString('utf16le')
  return { type2, pairs, text }
}

const ALL_DIALECTS = [0x0202, 0x0210, 0x0300, 0x0302, 0x0311]

describe('persona keyed values', () => {
  it("derive as core's personaBytes does (kept local so containers need not load core)", () => {
    const persona = windowsPersona(BUILDS.server2019)
    for (const bytes of [4, 16, 32, 48])
      expect(personaKeyed(persona, 'smb:server-guid', bytes)).toEqual(
        Buffer.from(personaBytes(persona, 'smb:server-guid', bytes)),
      )
  })
})

describe('smb reads the persona', () => {
  it('a Server 2022 offers 3.1.1 with its contexts, requires signing and names its build in NTLM', async () => {
    // Tell: build 20348 in NTLM while the dialects stopped at 3.0.2.
    const persona = windowsPersona(BUILDS.server2022)
    const started = await startBinary(smbEmulator, { persona })
    const before = Date.now()
    const reply = await negotiate(started, ALL_DIALECTS)
    expect(reply.status).toBe(0)
    expect(reply.body.readUInt16LE(4)).toBe(0x0311)
    // Tell: signing mode identical on workstations and servers.
    expect(reply.body.readUInt16LE(2)).toBe(0x03)
    // Contexts: preauth (SHA-512), the cipher chosen from ours, AES-GMAC signing (Server 2022).
    const contextCount = reply.body.readUInt16LE(6)
    const types: number[] = []
    for (let i = 0, at = reply.body.readUInt32LE(60); i < contextCount; i++) {
      types.push(reply.message.readUInt16LE(at))
      const data = reply.message.subarray(at + 8, at + 8 + reply.message.readUInt16LE(at + 2))
      if (types.at(-1) === 2) expect(data.readUInt16LE(2)).toBe(2) // AES-128-GCM
      if (types.at(-1) === 8) expect(data.readUInt16LE(2)).toBe(2) // AES-GMAC
      at = (at + 8 + data.length + 7) & ~7
    }
    expect(types).toEqual([1, 2, 8])
    // SystemTime is read per connection; Windows 10+ sends ServerStartTime 0.
    expect(fromFileTime(reply.body, 40)).toBeGreaterThanOrEqual(before - 1000)
    expect(reply.body.readBigUInt64LE(48)).toBe(0n)
    const { type2, text } = await challenge(reply.raw)
    reply.raw.close()
    expect([type2[48], type2[49], type2.readUInt16LE(50), type2[55]]).toEqual([10, 0, 20348, 15])
    expect(text(1)).toBe('FS02')
    expect(text(2)).toBe('KESTREL')
    expect(text(3)).toBe('FS02.kestrel.local')
    expect(text(4)).toBe('kestrel.local')
    expect(text(5)).toBe('kestrel.local')
  })

  it('a Windows 10 workstation enables signing without requiring it', async () => {
    // Tell: workstations answering with a server's signing policy.
    const started = await startBinary(smbEmulator, { persona: windowsPersona(BUILDS.win10) })
    const reply = await negotiate(started, ALL_DIALECTS)
    reply.raw.close()
    expect(reply.body.readUInt16LE(2)).toBe(0x01)
    expect(reply.body.readUInt16LE(4)).toBe(0x0311)
  })

  it('a 2012 R2 stops at 3.0.2 and sends its boot time as ServerStartTime', async () => {
    // Tell: one boot second on every decky, and builds answering above what they ship.
    const persona = windowsPersona(BUILDS.server2012r2)
    const started = await startBinary(smbEmulator, { persona })
    const reply = await negotiate(started, ALL_DIALECTS)
    expect(reply.body.readUInt16LE(4)).toBe(0x0302)
    expect(Math.round(fromFileTime(reply.body, 48) / 1000)).toBe(persona.bootTime)
    const { type2 } = await challenge(reply.raw)
    reply.raw.close()
    expect([type2[48], type2[49], type2.readUInt16LE(50)]).toEqual([6, 3, 9600])
  })

  it('two deckies never share a ServerGuid; one decky keeps its own', async () => {
    // Tell: a ServerGuid (Windows keeps one per machine) shared by two deckies.
    const one = await startBinary(smbEmulator, { persona: windowsPersona(BUILDS.server2019) })
    const two = await startBinary(smbEmulator, {
      persona: windowsPersona(BUILDS.server2019, { seed: 'ffffffffffffffffffffffffffff0001' }),
    })
    const guids = []
    for (const started of [one, one, two]) {
      const reply = await negotiate(started, [0x0210])
      reply.raw.close()
      guids.push(reply.body.subarray(8, 24).toString('hex'))
    }
    expect(guids[0]).toBe(guids[1])
    expect(guids[2]).not.toBe(guids[0])
  })

  it('a workgroup workstation names itself as the domain', async () => {
    const started = await startBinary(smbEmulator, {
      persona: windowsPersona(BUILDS.win10, { joined: false }),
    })
    const reply = await negotiate(started, [0x0302])
    const { type2, text, pairs } = await challenge(reply.raw)
    reply.raw.close()
    expect(type2.readUInt32LE(20) & 0x20000).toBe(0x20000) // TARGET_TYPE_SERVER
    expect([text(1), text(2), text(3), text(4)]).toEqual(Array(4).fill('DESKTOP-4F2K9QZ'))
    expect(pairs.has(5)).toBe(false)
  })

  it('a Linux persona answers as Samba: NTLM version 6.1 build 0, its dialects per Samba version', async () => {
    // Tell: a Debian host whose SMB answered with a Windows build.
    const modern = await startBinary(smbEmulator, { persona: sambaPersona('4.17.12') })
    const reply = await negotiate(modern, ALL_DIALECTS)
    expect(reply.body.readUInt16LE(4)).toBe(0x0311)
    expect(reply.body.readUInt16LE(2)).toBe(0x01)
    expect(reply.body.readBigUInt64LE(48)).toBe(0n)
    const { type2, text } = await challenge(reply.raw)
    reply.raw.close()
    expect([type2[48], type2[49], type2.readUInt16LE(50), type2[55]]).toEqual([6, 1, 0, 15])
    expect(text(1)).toBe('FILES-03')
    expect(text(3)).toBe('files-03.kestrel.local')
    const old = await startBinary(smbEmulator, { persona: sambaPersona('4.2.14') })
    const oldReply = await negotiate(old, ALL_DIALECTS)
    oldReply.raw.close()
    expect(oldReply.body.readUInt16LE(4)).toBe(0x0300)
  })
})

describe('smb1 where the build still has it', () => {
  /** SESSION_SETUP_ANDX without extended security (WordCount 13): LM/NT responses, account, domain. */
  function basicSessionSetup(user: string, domain: string, nt: Buffer): Buffer {
    const header = Buffer.alloc(32)
    Buffer.from([0xff, 0x53, 0x4d, 0x42, 0x73]).copy(header)
    header[9] = 0x18
    header.writeUInt16LE(0x4001, 10)
    const words = Buffer.alloc(26)
    words[0] = 0xff
    words.writeUInt16LE(0xffff, 4)
    words.writeUInt16LE(24, 14)
    words.writeUInt16LE(nt.length, 16)
    const bytes = Buffer.concat([
      Buffer.alloc(24, 0x33),
      nt,
      Buffer.from(`${user}\0${domain}\0Unix\0Samba\0`, 'latin1'),
    ])
    const count = Buffer.alloc(2)
    count.writeUInt16LE(bytes.length)
    const payload = Buffer.concat([header, Buffer.from([13]), words, count, bytes])
    const frame = Buffer.alloc(4)
    frame.writeUInt32BE(payload.length)
    return Buffer.concat([frame, payload])
  }

  it('a 2019 drops an SMB1-only client, as SMB1-less Windows does', async () => {
    // Tell: SMB1 answered by builds that no longer ship it.
    const started = await startBinary(smbEmulator, { persona: windowsPersona(BUILDS.server2019) })
    const raw = await rawConnect(started.host, started.port)
    raw.write(smb1Negotiate(['NT LM 0.12']))
    await raw.closed()
    raw.close()
  })

  it('a 2016 negotiates NT LM 0.12 with a challenge and names, and captures a Net-NTLMv1 logon', async () => {
    const started = await startBinary(smbEmulator, { persona: windowsPersona(BUILDS.server2016) })
    const raw = await rawConnect(started.host, started.port)
    // Without extended security (flags2 0x4001, as nmap's service probe and smb-os-discovery ask).
    const request = smb1Negotiate(['PC NETWORK PROGRAM 1.0', 'NT LM 0.12'])
    request.writeUInt16LE(0x4001, 4 + 10)
    raw.write(request)
    const negotiate = await raw.read((await raw.read(4)).readUInt32BE(0))
    expect(negotiate.subarray(0, 5)).toEqual(Buffer.from([0xff, 0x53, 0x4d, 0x42, 0x72]))
    expect(negotiate[32]).toBe(17)
    expect(negotiate.readUInt16LE(33)).toBe(1) // NT LM 0.12's index
    expect(negotiate[33 + 33]).toBe(8) // challenge length: no extended security asked
    const challenge = negotiate.subarray(33 + 34 + 2, 33 + 34 + 2 + 8)
    expect(negotiate.includes(Buffer.from('KESTREL\0', 'utf16le'))).toBe(true)
    expect(negotiate.includes(Buffer.from('FS02\0', 'utf16le'))).toBe(true)
    const nt = Buffer.alloc(24, 0x44)
    raw.write(basicSessionSetup('administrator', 'KESTREL', nt))
    const setup = await raw.read((await raw.read(4)).readUInt32BE(0))
    raw.close()
    expect(setup.readUInt32LE(5)).toBe(0xc000006d)
    const attempt = await started.waitFor((event) => event.event === 'auth_attempt')
    expect(attempt.fields).toMatchObject({
      username: 'administrator',
      domain: 'KESTREL',
      hash_format: 'netntlmv1',
      challenge: challenge.toString('hex'),
      success: false,
    })
    expect(attempt.secret_fields).toEqual(['hash'])
  })
})

describe('twins: two derived Windows personas of one fleet', () => {
  it('share the domain but no ServerGuid, names or certificate, and each answers as its own build', async () => {
    // Tell: each Windows host in a different domain on one /24, and values shared by every decky.
    const domain = { netbios: 'NORWIND', dns: 'norwind.local', joined: true }
    const twins = ['twin-a', 'twin-b'].map((name) =>
      derivePersona({
        seed: seedFromName(name),
        osFamily: 'windows_server',
        distro: 'debian',
        domain,
        nowMs: Date.now(),
      }),
    )
    const seen = []
    for (const persona of twins) {
      const smb = await startBinary(smbEmulator, { persona })
      const reply = await negotiate(smb, ALL_DIALECTS)
      const shipped = persona.os.windows?.smbDialects ?? []
      const top = { '3.1.1': 0x0311, '3.0.2': 0x0302 }[shipped.at(-1) as string]
      expect(reply.body.readUInt16LE(4)).toBe(top)
      const { type2, text } = await challenge(reply.raw)
      reply.raw.close()
      expect(type2.readUInt16LE(50)).toBe(persona.os.windows?.build)
      expect(text(1)).toBe(persona.hostname.toUpperCase())
      const rdp = await startBinary(rdpEmulator, { persona })
      const tls = (await rdpTls(rdp, { maxVersion: 'TLSv1.2' })) as TLSSocket
      const certificate = new X509Certificate(tls.getPeerX509Certificate()?.raw as Buffer)
      tls.destroy()
      seen.push({
        domain: text(4),
        guid: reply.body.subarray(8, 24).toString('hex'),
        host: text(1),
        serial: certificate.serialNumber,
        key: certificate.publicKey.export({ type: 'spki', format: 'der' }).toString('hex'),
        notBefore: certificate.validFrom,
      })
    }
    const [a, b] = seen as [(typeof seen)[number], (typeof seen)[number]]
    expect(a.domain).toBe('norwind.local')
    expect(b.domain).toBe(a.domain)
    for (const key of ['guid', 'host', 'serial', 'key', 'notBefore'] as const) expect(b[key]).not.toBe(a[key])
  })
})

describe('nbns (137/udp)', () => {
  /** NBSTAT query for `*`, as nbtstat -A / nmblookup -A / nmap send it. */
  const nbstat = Buffer.concat([
    Buffer.from([0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
    encodeNetbiosName('*', 0, '\0'),
    Buffer.from([0, 0x21, 0, 1]),
  ])

  function parseStatus(reply: Buffer) {
    const rdata = reply.subarray(12 + 34 + 10)
    const count = rdata[0] as number
    const names = []
    for (let i = 0; i < count; i++) {
      const entry = rdata.subarray(1 + i * 18, 19 + i * 18)
      names.push({
        name: entry.subarray(0, 15).toString('latin1').trimEnd(),
        suffix: entry[15],
        group: (entry.readUInt16BE(16) & 0x8000) !== 0,
      })
    }
    const mac = rdata.subarray(1 + count * 18, 7 + count * 18).toString('hex')
    return { names, mac }
  }

  it("answers a node status query with the persona's computer, domain and MAC", async () => {
    // Tell: Windows deckies had no 137/udp at all.
    const started = await startBinary(nbnsEmulator, { persona: windowsPersona(BUILDS.server2019) })
    const reply = await udpExchange(started.host, started.port, nbstat)
    expect(reply).toBeDefined()
    const { names, mac } = parseStatus(reply as Buffer)
    expect(names).toEqual([
      { name: 'FS02', suffix: 0x00, group: false },
      { name: 'KESTREL', suffix: 0x00, group: true },
      { name: 'FS02', suffix: 0x20, group: false },
    ])
    expect(mac).toBe('00155d3a7c21')
    const logged = await started.waitFor((event) => event.event === 'scan')
    expect(logged.fields).toMatchObject({ name: '*', qtype: 'NBSTAT' })
  })

  it('on a stand-alone Windows names the WORKGROUP setup gave it, not the fleet domain', async () => {
    const started = await startBinary(nbnsEmulator, {
      persona: windowsPersona(BUILDS.win10, { joined: false }),
    })
    const { names } = parseStatus((await udpExchange(started.host, started.port, nbstat)) as Buffer)
    expect(names.map((entry) => `${entry.name}<${entry.suffix?.toString(16)}>`)).toEqual([
      'DESKTOP-4F2K9QZ<0>',
      'WORKGROUP<0>',
      'DESKTOP-4F2K9QZ<20>',
    ])
  })

  it('answers as nmbd on a Samba persona: its workgroup names and a zero unit id', async () => {
    const started = await startBinary(nbnsEmulator, { persona: sambaPersona() })
    const { names, mac } = parseStatus((await udpExchange(started.host, started.port, nbstat)) as Buffer)
    expect(names.map((entry) => `${entry.name}<${entry.suffix?.toString(16)}>`)).toEqual([
      'FILES-03<0>',
      'FILES-03<3>',
      'FILES-03<20>',
      'KESTREL<0>',
      'KESTREL<1d>',
      'KESTREL<1e>',
    ])
    expect(mac).toBe('000000000000')
  })
})

describe('msrpc (135/tcp)', () => {
  const EPM = uuidBytes('e1af8308-5d1f-11c9-91a4-08002b14a0fa')
  const NDR = uuidBytes('8a885d04-1ceb-11c9-9fe8-08002b104860')

  function bind(callId: number): Buffer {
    const context = Buffer.alloc(44)
    context.writeUInt16LE(0, 0)
    context[2] = 1
    EPM.copy(context, 4)
    context.writeUInt16LE(3, 20)
    NDR.copy(context, 24)
    context.writeUInt32LE(2, 40)
    const body = Buffer.concat([Buffer.from([0xb8, 0x10, 0xb8, 0x10, 0, 0, 0, 0, 1, 0, 0, 0]), context])
    const header = Buffer.from([5, 0, 11, 3, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    header.writeUInt16LE(16 + body.length, 8)
    header.writeUInt32LE(callId, 12)
    return Buffer.concat([header, body])
  }

  it('acknowledges an endpoint-mapper bind and answers ept_lookup', async () => {
    // Tell: Windows deckies had no 135/tcp at all.
    const started = await startBinary(msrpcEmulator, { persona: windowsPersona(BUILDS.server2019) })
    const raw = await rawConnect(started.host, started.port)
    raw.write(bind(1))
    const head = await raw.read(16)
    expect(head[2]).toBe(12) // bind_ack
    const ack = await raw.read(head.readUInt16LE(8) - 16)
    expect(ack.readUInt16LE(0)).toBe(5840)
    expect(ack.subarray(10, 14).toString('latin1')).toBe('135\0')
    const result = ack.subarray(ack.length - 24)
    expect(result.readUInt16LE(0)).toBe(0) // acceptance
    expect(result.subarray(4, 20)).toEqual(NDR)
    // ept_lookup: inquiry 0, no object, no interface, vers_option 1, the handle, max_ents 500.
    const lookup = async (handle: Buffer, callId: number) => {
      const stub = Buffer.concat([Buffer.alloc(16), handle, Buffer.alloc(4)])
      stub.writeUInt32LE(1, 12)
      stub.writeUInt32LE(500, 36)
      const head = Buffer.from([
        5,
        0,
        0,
        3,
        0x10,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        callId,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        2,
        0,
      ])
      head.writeUInt16LE(head.length + stub.length, 8)
      head.writeUInt32LE(stub.length, 16)
      raw.write(Buffer.concat([head, stub]))
      const responseHead = await raw.read(16)
      expect(responseHead[2]).toBe(2) // response
      return (await raw.read(responseHead.readUInt16LE(8) - 16)).subarray(8)
    }
    const first = await lookup(Buffer.alloc(20), 2)
    expect(first.readUInt32LE(20)).toBeGreaterThan(5) // num_ents
    expect(first.readUInt32LE(first.length - 4)).toBe(0)
    expect(first.includes(Buffer.from('\\pipe\\lsass\0', 'latin1'))).toBe(true)
    expect(first.includes(Buffer.from('\\\\FS02\0', 'latin1'))).toBe(true)
    // Everything fit: a null handle. Asked with some other handle: nothing more, EPT_S_NOT_REGISTERED.
    expect(first.subarray(0, 20)).toEqual(Buffer.alloc(20))
    const again = await lookup(Buffer.alloc(20, 1), 3)
    raw.close()
    expect(again.readUInt32LE(20)).toBe(0)
    expect(again.readUInt32LE(again.length - 4)).toBe(0x16c9a0d6)
  })

  it('answers bytes that are not DCE/RPC with the bind_nak nmap fingerprints as Windows RPC', async () => {
    const started = await startBinary(msrpcEmulator, { persona: windowsPersona(BUILDS.server2019) })
    const raw = await rawConnect(started.host, started.port)
    raw.write(Buffer.from('\0\0\0\xa4\xffSMBr\0\0\0\0\x08\x01\x40\0\0\0', 'latin1'))
    const nak = await raw.read(24)
    raw.close()
    expect(nak.subarray(0, 4)).toEqual(Buffer.from([5, 0, 13, 3]))
    expect(nak.subarray(16, 21)).toEqual(Buffer.from([4, 0, 1, 5, 0]))
  })
})

/** Opens RDP with the given TLS version bounds; resolves with the socket or the handshake error. */
async function rdpTls(started: Started, version: { minVersion?: 'TLSv1.3'; maxVersion?: 'TLSv1.2' } = {}) {
  const raw = await rawConnect(started.host, started.port)
  raw.write(rdpConnectionRequest('probe', 0x03))
  await raw.read(19)
  return new Promise<TLSSocket | Error>((resolve) => {
    const tls = connect({ socket: raw.socket, rejectUnauthorized: false, ...version }, () => resolve(tls))
    tls.once('error', (error) => resolve(error))
  })
}

describe('rdp reads the persona', () => {
  it('negotiates TLS 1.3 only on builds that have it (never on 2019 or 2012 R2)', async () => {
    // Tell: build 9600 negotiating TLS 1.3.
    for (const [build, has13] of [
      [BUILDS.server2012r2, false],
      [BUILDS.server2019, false],
      [BUILDS.server2022, true],
    ] as const) {
      const started = await startBinary(rdpEmulator, { persona: windowsPersona(build) })
      const tls = await rdpTls(started, { minVersion: 'TLSv1.3' })
      if (has13) {
        expect(tls).not.toBeInstanceOf(Error)
        ;(tls as TLSSocket).destroy()
      } else {
        expect(tls).toBeInstanceOf(Error)
      }
      await started.close()
    }
  })

  it('shows the RDP service certificate: CN = FQDN, six months, renewed, its own serial', async () => {
    // Tell: ten-year self-signed certificates, CN = bare hostname.
    const serials = []
    for (const seed of ['0123456789abcdef0123456789abcdef', '99999999999999999999999999999999']) {
      const started = await startBinary(rdpEmulator, { persona: windowsPersona(BUILDS.server2019, { seed }) })
      const tls = await rdpTls(started, { maxVersion: 'TLSv1.2' })
      expect(tls).not.toBeInstanceOf(Error)
      const certificate = new X509Certificate((tls as TLSSocket).getPeerX509Certificate()?.raw as Buffer)
      // Tell: OpenSSL's cipher choice (CHACHA20 offered) where SChannel has its own order.
      expect((tls as TLSSocket).getCipher().name).toBe('ECDHE-RSA-AES256-GCM-SHA384')
      ;(tls as TLSSocket).destroy()
      expect(certificate.subject).toBe('CN=FS02.kestrel.local')
      expect(certificate.issuer).toBe(certificate.subject)
      const from = Date.parse(certificate.validFrom)
      const to = Date.parse(certificate.validTo)
      expect(Math.round((to - from) / 86_400_000)).toBe(182)
      expect(from).toBeLessThanOrEqual(Date.now())
      expect(to).toBeGreaterThan(Date.now())
      expect(certificate.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1'])
      serials.push(certificate.serialNumber)
      await started.close()
    }
    expect(serials[0]).not.toBe(serials[1])
  })

  it('fingerprints the ClientHello of the TLS upgrade (JA3/JA4) and still completes the handshake', async () => {
    const started = await startBinary(rdpEmulator, { persona: windowsPersona(BUILDS.server2022) })
    const tls = await rdpTls(started, { maxVersion: 'TLSv1.2' })
    expect(tls).not.toBeInstanceOf(Error)
    ;(tls as TLSSocket).destroy()
    const hello = await started.waitFor((event) => event.event === 'tls_client_hello')
    // Node's client capped at TLS 1.2, connecting without a server name: no supported_versions.
    expect(hello.fields.tls_version).toBe('TLSv1.2')
    expect(String(hello.fields.ja4)).toMatch(/^t12i\d{4}00_[0-9a-f]{12}_[0-9a-f]{12}$/)
    expect(String(hello.fields.ja3)).toMatch(/^771,[\d-]+,[\d-]+,[\d-]*,[\d-]*$/)
    expect(hello.fields.ja3_hash).toMatch(/^[0-9a-f]{32}$/)
    await started.close()
  })
})

/** A base-scope rootDSE search for the given attributes; the attribute names and values returned. */
async function rootDse(started: Started, attributes: string[] = []): Promise<Map<string, string[]>> {
  const raw = await rawConnect(started.host, started.port)
  const search = tlvLongForm(
    0x63,
    octets(''),
    enumerated(0),
    enumerated(0),
    integer(0),
    integer(0),
    Buffer.from([0x01, 1, 0]),
    octets('objectClass', 0x87),
    tlvLongForm(0x30, ...attributes.map((name) => octets(name))),
  )
  raw.write(tlvLongForm(0x30, integer(2), search))
  let buffered = Buffer.alloc(0)
  let length: number | undefined
  while (length === undefined || buffered.length < length) {
    buffered = Buffer.concat([buffered, await raw.readAvailable()])
    length = berFrameLength(buffered)
  }
  raw.close()
  const [, entry] = berChildren(expectBer(buffered, 0, 0x30).value)
  const [, attributeList] = berChildren((entry as BerElement).value)
  const found = new Map<string, string[]>()
  for (const attribute of berChildren((attributeList as BerElement).value)) {
    const [name, values] = berChildren(attribute.value)
    found.set(
      (name as BerElement).value.toString(),
      berChildren((values as BerElement).value).map((value) => value.value.toString()),
    )
  }
  return found
}

describe('ldap reads the persona', () => {
  it("answers the rootDSE of the persona's AD domain at its build's functional level", async () => {
    // Tell: a directory domain unrelated to the decky's SMB/NTLM domain.
    const started = await startBinary(ldapEmulator, {
      persona: windowsPersona(BUILDS.server2019, { hostname: 'DC01' }),
    })
    const dse = await rootDse(started)
    expect(dse.get('defaultNamingContext')).toEqual(['DC=kestrel,DC=local'])
    expect(dse.get('dnsHostName')).toEqual(['DC01.kestrel.local'])
    expect(dse.get('domainFunctionality')).toEqual(['7'])
    expect(dse.get('serverName')?.[0]).toMatch(
      /^CN=DC01,CN=Servers,CN=[^,]+,CN=Sites,CN=Configuration,DC=kestrel,DC=local$/,
    )
    expect(dse.get('supportedLDAPVersion')).toEqual(['3', '2'])
  })

  it('answers as slapd on an OpenLDAP persona', async () => {
    // Tell: a Debian host answering LDAP as an AD domain controller.
    const started = await startBinary(ldapEmulator, { persona: sambaPersona() })
    const plain = await rootDse(started)
    expect(plain.get('objectClass')).toEqual(['top', 'OpenLDAProotDSE'])
    expect(plain.has('namingContexts')).toBe(false)
    const operational = await rootDse(started, ['+'])
    expect(operational.get('namingContexts')).toEqual(['dc=kestrel,dc=local'])
    expect(operational.get('supportedLDAPVersion')).toEqual(['3'])
    expect(operational.has('dsServiceName')).toBe(false)
  })
})

describe('mssql reads the persona', () => {
  it('takes config `version` as the operator override of the persona', async () => {
    const started = await startBinary(mssqlEmulator, {
      persona: windowsPersona(BUILDS.server2022),
      config: { version: '14.0.3456.2' },
    })
    const raw = await rawConnect(started.host, started.port)
    raw.write(tdsPrelogin())
    const reply = await raw.readAvailable()
    raw.close()
    const payload = reply.subarray(8)
    const versionAt = payload.readUInt16BE(1)
    expect([payload[versionAt], payload.readUInt16BE(versionAt + 2)]).toEqual([14, 3456])
  })

  it("announces the persona's SQL Server version in PRELOGIN", async () => {
    // Tell: a SQL Server version drawn independently of the decky's Windows build.
    const started = await startBinary(mssqlEmulator, {
      persona: windowsPersona(BUILDS.server2022, { sql: '16.0.4165.4' }),
    })
    const raw = await rawConnect(started.host, started.port)
    const prelogin = Buffer.from(
      '12010034000000000000150006010021000102002200010300230004ff080001550000004d5353514c53657276657200480f0000',
      'hex',
    )
    raw.write(prelogin.subarray(0, 0x34))
    const reply = await raw.readAvailable()
    raw.close()
    const payload = reply.subarray(8)
    const versionAt = payload.readUInt16BE(1)
    expect([...payload.subarray(versionAt, versionAt + 6)]).toEqual([16, 0, 0x10, 0x45, 0, 4])
  })
})
