// What any SMB client reads before authenticating: the SMB2 NEGOTIATE answer (server GUID, clock,
// boot time, dialect) and the NTLM CHALLENGE of the first SESSION_SETUP (computer and domain names,
// Windows version, timestamp, challenge) — the fields enum4linux/crackmapexec print for every host.
import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import type { Fact } from './facts.ts'

const SMB2_MAGIC = 0xfe534d42

function smb2Packet(command: number, messageId: number, body: Buffer, sessionId = 0n): Buffer {
  const header = Buffer.alloc(64)
  header.writeUInt32BE(SMB2_MAGIC, 0)
  header.writeUInt16LE(64, 4)
  header.writeUInt16LE(command, 12)
  header.writeUInt16LE(31, 14) // credits requested
  header.writeBigUInt64LE(BigInt(messageId), 24)
  header.writeBigUInt64LE(sessionId, 40)
  const packet = Buffer.concat([header, body])
  const frame = Buffer.alloc(4)
  frame.writeUInt32BE(packet.length, 0)
  return Buffer.concat([frame, packet])
}

function negotiateRequest(): Buffer {
  const dialects = [0x0202, 0x0210, 0x0300, 0x0302]
  const body = Buffer.alloc(36 + dialects.length * 2)
  body.writeUInt16LE(36, 0)
  body.writeUInt16LE(dialects.length, 2)
  body.writeUInt16LE(1, 4) // signing enabled
  body.writeUInt32LE(0x7f, 8)
  randomBytes(16).copy(body, 12)
  for (const [i, d] of dialects.entries()) body.writeUInt16LE(d, 36 + i * 2)
  return smb2Packet(0, 0, body)
}

/** DER TLV with a definite length. */
function der(tag: number, content: Buffer): Buffer {
  const n = content.length
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff])
  return Buffer.concat([Buffer.from([tag]), length, content])
}

/** SPNEGO NegTokenInit offering NTLMSSP, carrying an NTLM NEGOTIATE message. */
function sessionSetupRequest(): Buffer {
  const ntlmNegotiate = Buffer.alloc(32)
  ntlmNegotiate.write('NTLMSSP\0', 0, 'latin1')
  ntlmNegotiate.writeUInt32LE(1, 8)
  // UNICODE, OEM, REQUEST_TARGET, SIGN, SEAL, NTLM, ALWAYS_SIGN, EXTENDED_SESSIONSECURITY, VERSION, 128, KEY_EXCH, 56
  ntlmNegotiate.writeUInt32LE(0xe2088297, 12)
  const ntlmOid = Buffer.from('060a2b06010401823702020a', 'hex')
  const mechTypes = der(0xa0, der(0x30, ntlmOid))
  const mechToken = der(0xa2, der(0x04, ntlmNegotiate))
  const spnegoOid = Buffer.from('06062b0601050502', 'hex')
  const token = der(
    0x60,
    Buffer.concat([spnegoOid, der(0xa0, der(0x30, Buffer.concat([mechTypes, mechToken])))]),
  )
  const body = Buffer.alloc(24)
  body.writeUInt16LE(25, 0) // StructureSize
  body.writeUInt8(1, 3) // SecurityMode: signing enabled
  body.writeUInt32LE(1, 4) // Capabilities: DFS
  body.writeUInt16LE(64 + 24, 12) // SecurityBufferOffset
  body.writeUInt16LE(token.length, 14)
  return smb2Packet(1, 1, Buffer.concat([body, token]))
}

const filetimeIso = (ticks: bigint) =>
  ticks === 0n ? 'none' : new Date(Number(ticks / 10_000n - 11_644_473_600_000n)).toISOString()

function negotiateFacts(smb: Buffer): Fact[] {
  const r = smb.subarray(64)
  return [
    { service: 'smb', field: 'negotiate dialect', value: `0x${r.readUInt16LE(4).toString(16)}` },
    { service: 'smb', field: 'negotiate ServerGuid', value: r.subarray(8, 24).toString('hex') },
    {
      service: 'smb',
      field: 'negotiate SystemTime',
      value: filetimeIso(r.readBigUInt64LE(40)),
      claim: 'time',
      readAtMs: Date.now(),
    },
    {
      service: 'smb',
      field: 'negotiate ServerStartTime',
      value: filetimeIso(r.readBigUInt64LE(48)),
      claim: 'boot',
    },
  ]
}

const AV_CLAIMS: Record<number, { name: string; claim?: Fact['claim'] }> = {
  1: { name: 'NbComputerName', claim: 'hostname' },
  2: { name: 'NbDomainName', claim: 'domain' },
  3: { name: 'DnsComputerName', claim: 'hostname' },
  4: { name: 'DnsDomainName', claim: 'domain' },
  5: { name: 'DnsTreeName', claim: 'domain' },
}

/** The NTLM CHALLENGE inside the SESSION_SETUP answer's security blob. */
function challengeFacts(smb: Buffer): Fact[] {
  const at = smb.indexOf('NTLMSSP\0', 64, 'latin1')
  if (at < 0 || smb.readUInt32LE(at + 8) !== 2)
    return [
      {
        service: 'smb',
        field: 'ntlm error',
        value: `no NTLM CHALLENGE (status 0x${smb.readUInt32LE(8).toString(16)})`,
      },
    ]
  const m = smb.subarray(at)
  const facts: Fact[] = [
    { service: 'smb', field: 'ntlm challenge', value: m.subarray(24, 32).toString('hex') },
  ]
  const flags = m.readUInt32LE(20)
  if (flags & 0x02000000 && m.length >= 56) {
    const build = `${m[48]}.${m[49]}.${m.readUInt16LE(50)}`
    facts.push({ service: 'smb', field: 'ntlm version', value: build, claim: 'build' })
  }
  const infoLength = m.readUInt16LE(40)
  const infoOffset = m.readUInt32LE(44)
  let p = infoOffset
  while (p + 4 <= Math.min(m.length, infoOffset + infoLength)) {
    const id = m.readUInt16LE(p)
    const length = m.readUInt16LE(p + 2)
    const value = m.subarray(p + 4, p + 4 + length)
    p += 4 + length
    if (id === 0) break
    if (id === 7 && length === 8) {
      facts.push({
        service: 'smb',
        field: 'ntlm Timestamp',
        value: filetimeIso(value.readBigUInt64LE(0)),
        claim: 'time',
        readAtMs: Date.now(),
      })
      continue
    }
    const av = AV_CLAIMS[id]
    if (av)
      facts.push({
        service: 'smb',
        field: `ntlm ${av.name}`,
        value: value.toString('utf16le'),
        ...(av.claim ? { claim: av.claim } : {}),
      })
  }
  return facts
}

/** NEGOTIATE then SESSION_SETUP on one connection; every failure is a fact naming where it stopped. */
export function smbFacts(ip: string, port = 445): Promise<Fact[]> {
  return new Promise((resolve) => {
    const facts: Fact[] = []
    let buffer = Buffer.alloc(0)
    let step: 'negotiate' | 'session' = 'negotiate'
    const socket = connect(port, ip, () => socket.write(negotiateRequest()))
    const finish = (more: Fact[]) => {
      socket.destroy()
      resolve([...facts, ...more])
    }
    socket.setTimeout(10_000, () => finish([{ service: 'smb', field: `${step} error`, value: 'timeout' }]))
    socket.on('error', (error) => finish([{ service: 'smb', field: `${step} error`, value: error.message }]))
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk])
      if (buffer.length < 4 || buffer.length < 4 + buffer.readUInt32BE(0)) return
      const smb = buffer.subarray(4, 4 + buffer.readUInt32BE(0))
      buffer = buffer.subarray(4 + smb.length)
      if (smb.length < 64 + 8 || smb.readUInt32BE(0) !== SMB2_MAGIC) {
        finish([
          {
            service: 'smb',
            field: `${step} error`,
            value: `not SMB2: ${smb.subarray(0, 8).toString('hex')}`,
          },
        ])
        return
      }
      if (step === 'negotiate') {
        facts.push(...negotiateFacts(smb))
        step = 'session'
        socket.write(sessionSetupRequest())
        return
      }
      finish(challengeFacts(smb))
    })
  })
}
