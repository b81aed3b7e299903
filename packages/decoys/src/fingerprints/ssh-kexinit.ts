/**
 * The start of an SSH client's byte stream (RFC 4253 §4.2, §7.1): its identification line, then
 * its first binary packet, SSH_MSG_KEXINIT, still unencrypted. Read from the raw bytes beside the
 * SSH library, which keeps them to itself.
 */

/** The client's algorithm name-lists, as sent. */
export type KexInit = {
  kex: string
  serverHostKey: string
  encryptionClientToServer: string
  encryptionServerToClient: string
  macClientToServer: string
  macServerToClient: string
  compressionClientToServer: string
  compressionServerToClient: string
}

export type SshClientScan =
  | { kind: 'incomplete' }
  /** No SSH identification line: nothing to fingerprint. */
  | { kind: 'not_ssh' }
  /** The identification line came, but no readable KEXINIT after it (or one too large to wait for). */
  | { kind: 'no_kexinit'; clientVersion: string }
  | { kind: 'kexinit'; clientVersion: string; kexinit: KexInit }

/** RFC 4253 caps the identification line at 255 bytes; a little slack for sloppy clients. */
const MAX_IDENT_BYTES = 512
/** Real KEXINIT packets are 1–3 KiB; RFC 4253 §6.1 lets a packet be 35000 bytes. */
export const MAX_KEXINIT_PACKET_BYTES = 35_000
const SSH_MSG_KEXINIT = 20

/** Looks for the identification line and the first packet at the start of a client's bytes. */
export function scanSshClient(buffer: Buffer): SshClientScan {
  const newline = buffer.indexOf(0x0a)
  if (newline === -1) {
    if (buffer.length >= 4 && buffer.subarray(0, 4).toString('latin1') !== 'SSH-') return { kind: 'not_ssh' }
    return buffer.length > MAX_IDENT_BYTES ? { kind: 'not_ssh' } : { kind: 'incomplete' }
  }
  const line = buffer.subarray(0, newline).toString('latin1').replace(/\r$/, '')
  if (!line.startsWith('SSH-') || newline > MAX_IDENT_BYTES) return { kind: 'not_ssh' }
  const clientVersion = line.replace(/[\r\n]/g, '')
  const packet = buffer.subarray(newline + 1)
  if (packet.length < 6) return { kind: 'incomplete' }
  const packetLength = packet.readUInt32BE(0)
  if (packetLength < 2 || packetLength > MAX_KEXINIT_PACKET_BYTES)
    return { kind: 'no_kexinit', clientVersion }
  if (packet.length < 4 + packetLength) return { kind: 'incomplete' }
  const padding = packet[4] as number
  const payloadEnd = 4 + packetLength - padding
  if (payloadEnd <= 5) return { kind: 'no_kexinit', clientVersion }
  const kexinit = parseKexInit(packet.subarray(5, payloadEnd))
  return kexinit ? { kind: 'kexinit', clientVersion, kexinit } : { kind: 'no_kexinit', clientVersion }
}

/** SSH_MSG_KEXINIT payload: message number, 16-byte cookie, ten name-lists. */
export function parseKexInit(payload: Buffer): KexInit | undefined {
  if (payload[0] !== SSH_MSG_KEXINIT) return undefined
  let at = 17
  const lists: string[] = []
  for (let index = 0; index < 8; index++) {
    if (at + 4 > payload.length) return undefined
    const length = payload.readUInt32BE(at)
    at += 4
    if (at + length > payload.length) return undefined
    lists.push(payload.subarray(at, at + length).toString('latin1'))
    at += length
  }
  const [kex, hostKey, encCs, encSc, macCs, macSc, compCs, compSc] = lists as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ]
  return {
    kex,
    serverHostKey: hostKey,
    encryptionClientToServer: encCs,
    encryptionServerToClient: encSc,
    macClientToServer: macCs,
    macServerToClient: macSc,
    compressionClientToServer: compCs,
    compressionServerToClient: compSc,
  }
}
