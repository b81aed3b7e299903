// Real protocol bytes for the protocols whose only clients are scanners (no npm client exists).

/** The X.224 Connection Request mstsc and nmap send: TPKT, CR TPDU, cookie, RDP_NEG_REQ. */
export function rdpConnectionRequest(user: string | undefined, protocols: number): Buffer {
  const cookie = user === undefined ? Buffer.alloc(0) : Buffer.from(`Cookie: mstshash=${user}\r\n`)
  const negotiation = Buffer.from([0x01, 0x00, 0x08, 0x00, protocols, 0, 0, 0])
  const tpdu = Buffer.concat([Buffer.from([0, 0xe0, 0, 0, 0, 0, 0]), cookie, negotiation])
  tpdu[0] = tpdu.length - 1
  const header = Buffer.from([3, 0, 0, 0])
  header.writeUInt16BE(tpdu.length + 4, 2)
  return Buffer.concat([header, tpdu])
}

/** Direct-TCP (port 445) framing: a zero byte and a 24-bit length. */
export function netbiosFrame(payload: Buffer): Buffer {
  const header = Buffer.alloc(4)
  header.writeUInt32BE(payload.length)
  return Buffer.concat([header, payload])
}

/** SMB1 NEGOTIATE as sent by clients that still probe SMB1 first (nmap, older smbclient). */
export function smb1Negotiate(dialects: string[]): Buffer {
  const header = Buffer.alloc(32)
  Buffer.from([0xff, 0x53, 0x4d, 0x42, 0x72]).copy(header)
  header[9] = 0x18
  header.writeUInt16LE(0xc853, 10)
  const names = Buffer.concat(dialects.map((dialect) => Buffer.from(`\x02${dialect}\0`, 'latin1')))
  const counts = Buffer.alloc(3)
  counts.writeUInt16LE(names.length, 1)
  return netbiosFrame(Buffer.concat([header, counts, names]))
}

export function smb2Request(
  command: number,
  messageId: number,
  body: Buffer,
  sessionId: Buffer = Buffer.alloc(8),
): Buffer {
  const header = Buffer.alloc(64)
  Buffer.from([0xfe, 0x53, 0x4d, 0x42]).copy(header)
  header.writeUInt16LE(64, 4)
  header.writeUInt16LE(command, 12)
  header.writeUInt16LE(31, 14)
  header.writeBigUInt64LE(BigInt(messageId), 24)
  header.writeUInt32LE(0xfeff, 32)
  sessionId.copy(header, 40)
  return netbiosFrame(Buffer.concat([header, body]))
}

export function smb2Negotiate(dialects: number[]): Buffer {
  const body = Buffer.alloc(36 + dialects.length * 2)
  body.writeUInt16LE(36, 0)
  body.writeUInt16LE(dialects.length, 2)
  body.writeUInt16LE(1, 4)
  body.writeUInt32LE(0x7f, 8)
  Buffer.alloc(16, 0xab).copy(body, 12)
  dialects.forEach((dialect, index) => {
    body.writeUInt16LE(dialect, 36 + index * 2)
  })
  return smb2Request(0, 0, body)
}

export function smb2SessionSetup(messageId: number, securityBlob: Buffer, sessionId?: Buffer): Buffer {
  const body = Buffer.alloc(24)
  body.writeUInt16LE(25, 0)
  body[3] = 1
  body.writeUInt16LE(64 + 24, 12)
  body.writeUInt16LE(securityBlob.length, 14)
  return smb2Request(1, messageId, Buffer.concat([body, securityBlob]), sessionId)
}

/** NTLMSSP NEGOTIATE_MESSAGE inside a SPNEGO negTokenInit, as Windows sends it. */
export function spnegoNtlmNegotiate(): Buffer {
  const ntlm = Buffer.alloc(32)
  ntlm.write('NTLMSSP\0', 0, 'latin1')
  ntlm.writeUInt32LE(1, 8)
  ntlm.writeUInt32LE(0xe2088297, 12)
  const der = (tag: number, content: Buffer) => Buffer.concat([Buffer.from([tag, content.length]), content])
  const ntlmOid = Buffer.from([0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a])
  const spnegoOid = Buffer.from([0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02])
  const init = der(0x30, Buffer.concat([der(0xa0, der(0x30, ntlmOid)), der(0xa2, der(0x04, ntlm))]))
  return der(0x60, Buffer.concat([spnegoOid, der(0xa0, init)]))
}

/** A raw NTLMSSP AUTHENTICATE_MESSAGE (Unicode) with the given NT response. */
export function ntlmAuthenticate(
  user: string,
  domain: string,
  workstation: string,
  ntResponse: Buffer,
): Buffer {
  const payloads = [
    Buffer.alloc(24),
    ntResponse,
    Buffer.from(domain, 'utf16le'),
    Buffer.from(user, 'utf16le'),
    Buffer.from(workstation, 'utf16le'),
    Buffer.alloc(0),
  ]
  const header = Buffer.alloc(72)
  header.write('NTLMSSP\0', 0, 'latin1')
  header.writeUInt32LE(3, 8)
  let offset = header.length
  payloads.forEach((payload, index) => {
    header.writeUInt16LE(payload.length, 12 + index * 8)
    header.writeUInt16LE(payload.length, 14 + index * 8)
    header.writeUInt32LE(offset, 16 + index * 8)
    offset += payload.length
  })
  header.writeUInt32LE(0xe2888215, 60)
  return Buffer.concat([header, ...payloads])
}

/** TDS PRELOGIN with VERSION and ENCRYPTION (off), as sqlcmd and nmap's ms-sql-info send it. */
export function tdsPrelogin(): Buffer {
  const options = Buffer.from([0x00, 0x00, 0x0b, 0x00, 0x06, 0x01, 0x00, 0x11, 0x00, 0x01, 0xff])
  const data = Buffer.from([0x0f, 0x00, 0x07, 0xd0, 0x00, 0x00, 0x00])
  const payload = Buffer.concat([options, data])
  const header = Buffer.from([0x12, 0x01, 0, 0, 0, 0, 0, 0])
  header.writeUInt16BE(payload.length + 8, 2)
  return Buffer.concat([header, payload])
}

/**
 * X.224 Data TPDU carrying an MCS Connect Initial whose GCC user data holds the client core block
 * (TS_UD_CS_CORE): the PDU mstsc/FreeRDP send right after security negotiation.
 */
export function mcsConnectInitial(clientName: string, build: number): Buffer {
  const core = Buffer.alloc(216)
  core.writeUInt16LE(0xc001, 0)
  core.writeUInt16LE(core.length, 2)
  core.writeUInt32LE(0x00080004, 4) // RDP 5+
  core.writeUInt16LE(1920, 8)
  core.writeUInt16LE(1080, 10)
  core.writeUInt16LE(0xca01, 12)
  core.writeUInt16LE(0xaa03, 14)
  core.writeUInt32LE(0x00000409, 16)
  core.writeUInt32LE(build, 20)
  Buffer.from(clientName, 'utf16le').copy(core, 24, 0, 30)
  const gcc = Buffer.concat([Buffer.from('000500147c00018180000800100001c00044756361', 'hex'), core])
  const mcs = Buffer.concat([Buffer.from([0x7f, 0x65, 0x82, gcc.length >> 8, gcc.length & 0xff]), gcc])
  const tpdu = Buffer.concat([Buffer.from([0x02, 0xf0, 0x80]), mcs])
  const header = Buffer.from([3, 0, 0, 0])
  header.writeUInt16BE(tpdu.length + 4, 2)
  return Buffer.concat([header, tpdu])
}

const derLength = (length: number) =>
  length < 0x80 ? Buffer.from([length]) : Buffer.from([0x82, length >> 8, length & 0xff])
const der = (tag: number, content: Buffer) =>
  Buffer.concat([Buffer.from([tag]), derLength(content.length), content])

/** CredSSP TSRequest { version [0], negoTokens [1] { { negoToken [0] } } } around an NTLM message. */
export function tsRequest(version: number, token: Buffer): Buffer {
  const versionField = der(0xa0, der(0x02, Buffer.from([version])))
  const nego = der(0xa1, der(0x30, der(0x30, der(0xa0, der(0x04, token)))))
  return der(0x30, Buffer.concat([versionField, nego]))
}

export function ntlmNegotiate(): Buffer {
  const message = Buffer.alloc(32)
  message.write('NTLMSSP\0', 0, 'latin1')
  message.writeUInt32LE(1, 8)
  message.writeUInt32LE(0xe2088297, 12)
  return message
}
