import { networkInterfaces } from 'node:os'
import type { Persona } from '@decnet/core/schemas'
import type { Emulator } from '../emulator.ts'
import { configString } from '../framework/config.ts'
import { udpOnEveryPort } from '../framework/listeners.ts'
import { isDomainController, isSamba, ntlmIdentity, personaOf } from './windows-persona.ts'

/**
 * NetBIOS name service (137/udp, RFC 1002): answers a node status query (NBSTAT, what `nbtstat -A`,
 * `nmblookup -A` and nmap's nbstat send) with the persona's name table and MAC, and a name query
 * for one of its own names with its address. Every query is logged: on a segment, nothing
 * legitimate asks a decoy for names.
 */

const TYPE_NB = 0x20
const TYPE_NBSTAT = 0x21
const UNIQUE = 0x0400 // active, B-node
const GROUP = 0x8400

export type NameEntry = { name: string; suffix: number; flags: number }

/** First-level encoding (RFC 1001 14.1): 16 bytes (15 padded + suffix), each nibble + 'A'. */
export function encodeNetbiosName(name: string, suffix: number, pad = ' '): Buffer {
  const raw = Buffer.alloc(16, pad)
  Buffer.from(name.slice(0, 15), 'latin1').copy(raw)
  raw[15] = suffix
  const out = Buffer.alloc(34)
  out[0] = 32
  for (let i = 0; i < 16; i++) {
    out[1 + i * 2] = 0x41 + ((raw[i] as number) >> 4)
    out[2 + i * 2] = 0x41 + ((raw[i] as number) & 0x0f)
  }
  return out
}

/** The 16 raw bytes of an encoded question name; undefined when not a 32-byte first-level name. */
function decodeName(message: Buffer, at: number): Buffer | undefined {
  if (message[at] !== 32 || at + 34 > message.length || message[at + 33] !== 0) return undefined
  const raw = Buffer.alloc(16)
  for (let i = 0; i < 16; i++)
    raw[i] =
      (((message[at + 1 + i * 2] as number) - 0x41) << 4) |
      (((message[at + 2 + i * 2] as number) - 0x41) & 0x0f)
  return raw
}

/**
 * The name table as each product registers it: Windows the computer `<00>`, the domain or
 * workgroup `<00>` group and the server service `<20>` (a DC adds `<1C>`/`<1B>`); Samba's nmbd
 * its `<00>`, `<03>`, `<20>` and the workgroup `<00>`, `<1D>`, `<1E>`.
 */
export function nameTable(
  persona: Persona,
  config: Record<string, string | number | boolean | string[]>,
): NameEntry[] {
  const identity = ntlmIdentity(persona, config)
  const computer = identity.netbiosComputer
  const samba = isSamba(persona, 'nbns')
  // A domain member registers its domain; a stand-alone Windows keeps setup's WORKGROUP, while an
  // smbd's workgroup is whatever its admin wrote in smb.conf (the fleet's NetBIOS domain).
  const group = identity.standalone
    ? netbiosUpper(
        configString(config, 'workgroup') ?? (samba ? persona.domain?.netbios : undefined) ?? 'WORKGROUP',
      )
    : identity.netbiosDomain
  if (samba) {
    return [
      { name: computer, suffix: 0x00, flags: UNIQUE },
      { name: computer, suffix: 0x03, flags: UNIQUE },
      { name: computer, suffix: 0x20, flags: UNIQUE },
      { name: group, suffix: 0x00, flags: GROUP },
      { name: group, suffix: 0x1d, flags: UNIQUE },
      { name: group, suffix: 0x1e, flags: GROUP },
    ]
  }
  const domainController = isDomainController(persona)
  return [
    { name: computer, suffix: 0x00, flags: UNIQUE },
    { name: group, suffix: 0x00, flags: GROUP },
    { name: computer, suffix: 0x20, flags: UNIQUE },
    ...(domainController
      ? [
          { name: group, suffix: 0x1c, flags: GROUP },
          { name: group, suffix: 0x1b, flags: UNIQUE },
        ]
      : []),
  ]
}

const netbiosUpper = (text: string) =>
  text
    .toUpperCase()
    .replace(/[^A-Z0-9-]/g, '')
    .slice(0, 15) || 'WORKGROUP'

function resourceRecord(question: Buffer, type: number, ttl: number, data: Buffer): Buffer {
  const fixed = Buffer.alloc(10)
  fixed.writeUInt16BE(type, 0)
  fixed.writeUInt16BE(1, 2) // IN
  fixed.writeUInt32BE(ttl, 4)
  fixed.writeUInt16BE(data.length, 8)
  return Buffer.concat([question, fixed, data])
}

function header(id: number, flags: number): Buffer {
  const out = Buffer.alloc(12)
  out.writeUInt16BE(id, 0)
  out.writeUInt16BE(flags, 2)
  out.writeUInt16BE(1, 6) // one answer
  return out
}

/** NODE STATUS RESPONSE (RFC 1002 4.2.18): the names, then the statistics led by the unit id (MAC). */
export function nodeStatusResponse(id: number, question: Buffer, names: NameEntry[], mac: Buffer): Buffer {
  const entries = names.map((entry) => {
    const out = Buffer.alloc(18, ' ')
    Buffer.from(entry.name.slice(0, 15), 'latin1').copy(out)
    out[15] = entry.suffix
    out.writeUInt16BE(entry.flags, 16)
    return out
  })
  const statistics = Buffer.concat([mac, Buffer.alloc(40)])
  const data = Buffer.concat([Buffer.from([entries.length]), ...entries, statistics])
  return Buffer.concat([header(id, 0x8400), resourceRecord(question, TYPE_NBSTAT, 0, data)])
}

function ownAddress(bindAddress: string): string | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bindAddress) && bindAddress !== '0.0.0.0') return bindAddress
  for (const addresses of Object.values(networkInterfaces()))
    for (const address of addresses ?? [])
      if (address.family === 'IPv4' && !address.internal) return address.address
  return undefined
}

export const nbnsEmulator: Emulator = {
  slug: 'nbns',
  defaultPorts: [137],
  async start(ctx) {
    const persona = personaOf(ctx)
    const names = nameTable(persona, ctx.config)
    // nmbd answers with a zero unit id; Windows with the adapter's MAC.
    const mac = isSamba(persona, 'nbns')
      ? Buffer.alloc(6)
      : Buffer.from(persona.mac.replace(/[:-]/g, ''), 'hex')
    const address = ownAddress(ctx.bindAddress)
    return udpOnEveryPort(ctx, {
      maxDatagramBytes: 576,
      handle(datagram, peer) {
        if (datagram.length < 12 + 34 + 4 || (datagram.readUInt16BE(2) & 0x8000) !== 0) return
        const id = datagram.readUInt16BE(0)
        const raw = decodeName(datagram, 12)
        if (!raw) return
        const questionEnd = 12 + 34
        const type = datagram.readUInt16BE(questionEnd)
        const question = datagram.subarray(12, questionEnd)
        const asked = raw
          .subarray(0, 15)
          .toString('latin1')
          .replace(/[ \0]+$/, '')
        const suffix = raw[15] as number
        peer.emit('scan', {
          protocol: 'nbns',
          name: asked,
          suffix: `0x${suffix.toString(16).padStart(2, '0')}`,
          qtype: type === TYPE_NBSTAT ? 'NBSTAT' : type === TYPE_NB ? 'NB' : String(type),
        })
        if (type === TYPE_NBSTAT) {
          // Windows answers a status query for `*` or for any of its own names.
          const own = asked === '*' || names.some((entry) => entry.name === asked.toUpperCase())
          if (own) peer.reply(nodeStatusResponse(id, question, names, mac))
          return
        }
        if (type !== TYPE_NB || !address) return
        const entry = names.find((item) => item.name === asked.toUpperCase() && item.suffix === suffix)
        if (!entry) return
        const data = Buffer.alloc(6)
        data.writeUInt16BE(entry.flags & 0x8000, 0)
        Buffer.from(address.split('.').map(Number)).copy(data, 2)
        peer.reply(Buffer.concat([header(id, 0x8500), resourceRecord(question, TYPE_NB, 300_000, data)]))
      },
    })
  },
}
