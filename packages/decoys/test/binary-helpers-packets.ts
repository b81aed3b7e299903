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
