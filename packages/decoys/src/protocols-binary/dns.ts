import type { PortProtocol } from '@decnet/core'
import { personaValue } from '@decnet/core/persona'
import type { Emulator, EmulatorContext } from '../emulator.ts'
import { configString } from '../framework/config.ts'
import { running } from '../framework/listeners.ts'
import { seededRandom } from '../framework/random.ts'
import { listenTcp } from '../framework/tcp.ts'
import { listenUdp, type UdpPeer } from '../framework/udp.ts'
import {
  aData,
  CLASS_CH,
  CLASS_IN,
  type DnsQuery,
  encodeName,
  encodeResponse,
  mxData,
  parseQuery,
  type ResourceRecord,
  soaData,
  TYPE,
  txtData,
  typeName,
} from './dns-wire.ts'
import { framed } from './stream.ts'
import { wireSafe } from './text.ts'

/**
 * The CHAOS-class TXT names each product answers: BIND its version and (with server-id hostname) its
 * host name; dnsmasq its version and authors; Microsoft DNS only its version.
 */
export function chaosAnswers(ctx: EmulatorContext): Map<string, string> {
  const product = ctx.persona.services.dns
  const version = wireSafe(
    configString(ctx.config, 'version') ?? product?.banner ?? '9.18.28-1~deb12u2-Debian',
  )
  const hostname = wireSafe(configString(ctx.config, 'nsid') ?? ctx.persona.hostname)
  switch (product?.product ?? 'bind') {
    case 'dnsmasq':
      return new Map([
        ['version.bind', version],
        ['authors.bind', 'Simon Kelley'],
        ['copyright.bind', 'Copyright (c) 2000-2023 Simon Kelley'],
      ])
    case 'microsoft-dns':
      return new Map([['version.bind', version]])
    default:
      return new Map([
        ['version.bind', version],
        ['version.server', version],
        ['hostname.bind', hostname],
        ['id.server', hostname],
      ])
  }
}

const DOMAIN_STEMS = ['corp', 'internal', 'office', 'hq', 'intra', 'ad', 'ops', 'prod']
const DOMAIN_SUFFIXES = ['local', 'lan', 'net', 'int']
const HOSTS = [
  'www',
  'mail',
  'vpn',
  'intranet',
  'dc01',
  'dc02',
  'fs01',
  'git',
  'jenkins',
  'backup',
  'db01',
  'sql',
]
const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 }
type Mode = 'auth' | 'recursive' | 'open'

type Zone = { domain: string; records: ResourceRecord[]; soa: ResourceRecord }

function buildZone(ctx: EmulatorContext): Zone {
  const random = seededRandom(personaValue(ctx.persona, 'dns-zone'))
  // The decky's own DNS domain (the fleet's), so DNS names match SMB, LDAP and the shell's resolv.conf.
  const domain = (
    configString(ctx.config, 'domain') ??
    ctx.persona.domain?.dns ??
    `${random.pick(DOMAIN_STEMS)}.${random.pick(DOMAIN_SUFFIXES)}`
  )
    .toLowerCase()
    .replace(/\.$/, '')
  const subnet = `10.${random.int(0, 254)}.${random.int(0, 254)}`
  const record = (name: string, type: number, data: Buffer): ResourceRecord => ({
    name,
    type,
    class: CLASS_IN,
    ttl: 3600,
    data,
  })
  const soa = record(
    domain,
    TYPE.SOA,
    soaData(`ns1.${domain}`, `hostmaster.${domain}`, random.int(2019010101, 2026063099)),
  )
  const records: ResourceRecord[] = [
    soa,
    record(domain, TYPE.NS, encodeName(`ns1.${domain}`)),
    record(domain, TYPE.NS, encodeName(`ns2.${domain}`)),
    record(domain, TYPE.MX, mxData(10, `mail.${domain}`)),
    record(
      domain,
      TYPE.TXT,
      txtData(random.pick(['v=spf1 mx -all', 'v=spf1 mx a ~all', `v=spf1 ip4:${subnet}.0/24 -all`])),
    ),
    record(domain, TYPE.A, aData(`${subnet}.${random.int(2, 40)}`)),
    record(`ns1.${domain}`, TYPE.A, aData(`${subnet}.${random.int(41, 60)}`)),
    record(`ns2.${domain}`, TYPE.A, aData(`${subnet}.${random.int(61, 80)}`)),
  ]
  for (const host of random.sample(HOSTS, random.int(5, 9))) {
    records.push(record(`${host}.${domain}`, TYPE.A, aData(`${subnet}.${random.int(81, 250)}`)))
  }
  // Operator-supplied "name TYPE value" lines; relative names live in the zone.
  for (const line of (configString(ctx.config, 'extra_records') ?? '').split(/\r?\n/).slice(0, 200)) {
    const [rawName, rawType, ...rest] = line.trim().split(/\s+/)
    const value = rest.join(' ')
    if (!rawName || !rawType || !value) continue
    const name =
      rawName === '@' ? domain : rawName.endsWith('.') ? rawName.slice(0, -1) : `${rawName}.${domain}`
    const type = rawType.toUpperCase()
    if (type === 'A' && /^\d{1,3}(\.\d{1,3}){3}$/.test(value))
      records.push(record(name, TYPE.A, aData(value)))
    else if (type === 'TXT') records.push(record(name, TYPE.TXT, txtData(value.replace(/^"|"$/g, ''))))
    else if (type === 'CNAME') records.push(record(name, TYPE.CNAME, encodeName(value.replace(/\.$/, ''))))
    else if (type === 'NS') records.push(record(name, TYPE.NS, encodeName(value.replace(/\.$/, ''))))
  }
  return { domain, records, soa }
}

/** A stable fake address for an out-of-zone name, so an "open resolver" answers consistently. */
function syntheticAddress(seed: string, name: string): string {
  const bytes = seededRandom(`${seed}/${name}`).bytes(3)
  return `${[23, 45, 52, 104, 151][(bytes[0] as number) % 5]}.${bytes[1]}.${bytes[2]}.${1 + ((bytes[0] as number) % 250)}`
}

type Answer = { response: Buffer; rcode: number }

function answer(
  ctx: EmulatorContext,
  zone: Zone,
  mode: Mode,
  chaos: Map<string, string>,
  query: DnsQuery,
): Answer {
  const reply = (
    rcode: number,
    extra: Omit<Parameters<typeof encodeResponse>[0], 'query' | 'rcode'> = {},
  ) => ({
    rcode,
    response: encodeResponse({ query, rcode, recursionAvailable: mode !== 'auth', ...extra }),
  })
  const question = query.questions[0]
  if ((query.flags & 0x7800) !== 0) return reply(RCODE.NOTIMP) // only standard queries (opcode 0)
  if (!question) return reply(RCODE.FORMERR)
  const name = question.name.toLowerCase()
  if (question.class === CLASS_CH) {
    const text = chaos.get(name)
    if (text === undefined || (question.type !== TYPE.TXT && question.type !== TYPE.ANY)) {
      return reply(RCODE.REFUSED)
    }
    return reply(RCODE.NOERROR, {
      authoritative: true,
      answers: [{ name: question.name, type: TYPE.TXT, class: CLASS_CH, ttl: 0, data: txtData(text) }],
    })
  }
  if (question.type === TYPE.AXFR || question.type === TYPE.IXFR) return reply(RCODE.REFUSED)
  const inZone = name === zone.domain || name.endsWith(`.${zone.domain}`)
  if (inZone) {
    const owned = zone.records.filter((record) => record.name === name)
    const matching = owned.filter(
      (record) => record.type === question.type || question.type === TYPE.ANY || record.type === TYPE.CNAME,
    )
    if (owned.length === 0) return reply(RCODE.NXDOMAIN, { authoritative: true, authority: [zone.soa] })
    return reply(RCODE.NOERROR, {
      authoritative: true,
      answers: matching.map((record) => ({ ...record, name: question.name })),
      authority: matching.length === 0 ? [zone.soa] : [],
    })
  }
  if (mode === 'auth') return reply(RCODE.REFUSED)
  if (mode === 'recursive') return reply(RCODE.SERVFAIL)
  // "open": a resolver that answers anyone, with stable made-up data.
  const answers: ResourceRecord[] = []
  if (question.type === TYPE.A || question.type === TYPE.ANY) {
    answers.push({
      name: question.name,
      type: TYPE.A,
      class: CLASS_IN,
      ttl: 300,
      data: aData(syntheticAddress(personaValue(ctx.persona, 'dns-open'), name)),
    })
  }
  return reply(RCODE.NOERROR, { answers })
}

/** Long or many-labelled names are how data is smuggled through DNS. */
function looksLikeTunnel(name: string): boolean {
  return name.length > 100 || name.split('.').some((label) => label.length > 40)
}

/**
 * A name server on UDP and TCP, answering CHAOS queries as the persona's product (BIND, dnsmasq,
 * Microsoft DNS) does. `zone_mode` auth answers only its zone (REFUSED elsewhere),
 * recursive fails out-of-zone lookups as SERVFAIL, open answers everything with stable fake data.
 * CHAOS version.bind/hostname.bind are answered; AXFR/IXFR are logged and refused.
 */
export const dnsEmulator: Emulator = {
  slug: 'dns',
  async start(ctx) {
    const zone = buildZone(ctx)
    const configuredMode = configString(ctx.config, 'zone_mode')
    const mode: Mode = configuredMode === 'recursive' || configuredMode === 'open' ? configuredMode : 'auth'
    const chaos = chaosAnswers(ctx)

    const handleMessage = (
      message: Buffer,
      transport: PortProtocol,
      emit: UdpPeer['emit'],
    ): Buffer | undefined => {
      let query: DnsQuery
      try {
        query = parseQuery(message)
      } catch {
        emit('request', { transport, malformed: true, bytes: message.length })
        return undefined
      }
      if (query.flags & 0x8000) return undefined // a response, not a query: never reflect it
      const result = answer(ctx, zone, mode, chaos, query)
      const question = query.questions[0]
      const fields: Record<string, string | number | boolean> = {
        transport,
        qname: question?.name ?? '',
        qtype: typeName(question?.type ?? 0),
        qclass:
          question?.class === CLASS_CH
            ? 'CH'
            : question?.class === CLASS_IN
              ? 'IN'
              : String(question?.class ?? ''),
        rcode: result.rcode,
      }
      if (question && (question.type === TYPE.AXFR || question.type === TYPE.IXFR))
        fields.zone_transfer = true
      if (question && looksLikeTunnel(question.name)) fields.suspected_tunnel = true
      emit('request', fields)
      return result.response
    }

    const tcp = await listenTcp({
      ctx,
      port: ctx.ports[0] ?? 53,
      handle(session) {
        return framed(
          session,
          (buffered) => {
            if (buffered.length < 2) return 0
            const length = buffered.readUInt16BE(0)
            if (buffered.length < 2 + length) return 0
            const response = handleMessage(buffered.subarray(2, 2 + length), 'tcp', session.emit)
            if (response) {
              const prefix = Buffer.alloc(2)
              prefix.writeUInt16BE(response.length)
              session.write(Buffer.concat([prefix, response]))
            }
            return 2 + length
          },
          { maxBuffer: 70_000 },
        )
      },
    })
    try {
      // UDP shares the TCP port number, as on a real name server (and when a test asked for port 0).
      const udp = await listenUdp({
        ctx,
        port: tcp.port,
        maxDatagramBytes: 4096,
        handle(datagram, peer) {
          const response = handleMessage(datagram, 'udp', peer.emit)
          if (response) peer.reply(response)
        },
      })
      return running([tcp, udp])
    } catch (error) {
      await tcp.close()
      throw error
    }
  },
}
