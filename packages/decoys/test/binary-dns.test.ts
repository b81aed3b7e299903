import { Resolver } from 'node:dns/promises'
import dnsPacket from 'dns-packet'
import { describe, expect, it } from 'vitest'
import { dnsEmulator } from '../src/protocols-binary/dns.ts'
import { llmnrEmulator } from '../src/protocols-binary/llmnr.ts'
import {
  closeStartedAfterEach,
  rawConnect,
  type Started,
  startBinary,
  udpExchange,
} from './binary-helpers.ts'
import { BUILDS, windowsPersona } from './windows-personas.ts'

closeStartedAfterEach()

function resolverFor(instance: Started): Resolver {
  const resolver = new Resolver({ timeout: 1000, tries: 1 })
  resolver.setServers([`${instance.host}:${instance.port}`])
  return resolver
}

/** TXT rdata as one string (dns-packet types it as a string, a buffer or a list of either). */
function txtOf(answer: dnsPacket.Answer | undefined): string | undefined {
  if (answer?.type !== 'TXT') return undefined
  const data = answer.data
  return Array.isArray(data) ? data.map(String).join('') : String(data)
}

const chaosQuery = (name: string) =>
  dnsPacket.encode({ type: 'query', id: 4242, questions: [{ type: 'TXT', class: 'CH', name }] })

describe('dns emulator', () => {
  it('answers zone records to a real resolver and refuses out-of-zone names in auth mode', async () => {
    const started = await startBinary(dnsEmulator, {
      config: {
        zone_mode: 'auth',
        domain: 'acme.test',
        extra_records: 'portal A 10.9.8.7\ninfo TXT "hello world"',
      },
    })
    const resolver = resolverFor(started)
    expect(await resolver.resolve4('portal.acme.test')).toEqual(['10.9.8.7'])
    expect(await resolver.resolveTxt('info.acme.test')).toEqual([['hello world']])
    expect((await resolver.resolveNs('acme.test')).sort()).toEqual(['ns1.acme.test', 'ns2.acme.test'])
    await expect(resolver.resolve4('nothere.acme.test')).rejects.toMatchObject({ code: 'ENOTFOUND' })
    await expect(resolver.resolve4('example.org')).rejects.toMatchObject({ code: 'EREFUSED' })
    const logged = await started.waitFor((event) => event.fields.qname === 'portal.acme.test')
    expect(logged.fields).toMatchObject({ qtype: 'A', transport: 'udp', rcode: 0 })
  })

  it('answers version.bind with the catalogue version key when the operator sets one', async () => {
    const started = await startBinary(dnsEmulator, { config: { version: '9.16.44-Debian' } })
    const reply = await udpExchange(started.host, started.port, chaosQuery('version.bind'))
    const decoded = dnsPacket.decode(reply as Buffer)
    expect(decoded.id).toBe(4242)
    // Like BIND, the answer's owner name is a compression pointer to the question.
    expect(reply?.includes(Buffer.from('c00c00100003', 'hex'))).toBe(true)
    expect(txtOf(decoded.answers?.[0])).toBe('9.16.44-Debian')
    await started.close()
  })

  it('answers NOTIMP to non-query opcodes such as STATUS', async () => {
    const started = await startBinary(dnsEmulator)
    const reply = await udpExchange(
      started.host,
      started.port,
      Buffer.from('000c10000000000000000000', 'hex'),
    )
    expect(reply?.readUInt16BE(2)).toBe(0x9004) // QR, opcode STATUS, rcode NOTIMP
  })

  it('logs and refuses AXFR over TCP; open mode answers anything', async () => {
    const started = await startBinary(dnsEmulator, { config: { zone_mode: 'open', domain: 'acme.test' } })
    const raw = await rawConnect(started.host, started.port)
    raw.write(
      dnsPacket.streamEncode({ type: 'query', id: 7, questions: [{ type: 'AXFR', name: 'acme.test' }] }),
    )
    const length = (await raw.read(2)).readUInt16BE(0)
    const refused = await raw.read(length)
    raw.close()
    expect(refused[3]! & 0x0f).toBe(5) // rcode REFUSED
    const axfr = await started.waitFor((event) => event.fields.qtype === 'AXFR')
    expect(axfr.fields).toMatchObject({ qname: 'acme.test', transport: 'tcp', zone_transfer: true })
    const resolver = resolverFor(started)
    const first = await resolver.resolve4('anything.example.org')
    expect(first).toHaveLength(1)
    expect(await resolver.resolve4('anything.example.org')).toEqual(first)
  })
})

describe('llmnr emulator', () => {
  it('logs every query as a scan and answers only for its own hostname', async () => {
    const started = await startBinary(llmnrEmulator, {
      ports: [0, 0],
      persona: windowsPersona(BUILDS.win10, { hostname: 'WS-ACCT-07' }),
    })
    const query = (name: string) =>
      dnsPacket.encode({ type: 'query', id: 99, questions: [{ type: 'A', name }] })
    const own = await udpExchange(started.host, started.ports[0] as number, query('ws-acct-07'))
    const decoded = dnsPacket.decode(own as Buffer)
    const answer = decoded.answers?.[0]
    expect(answer?.type === 'A' && answer.data).toBe(started.host)
    const silent = await udpExchange(started.host, started.ports[0] as number, query('wpad'), 300)
    expect(silent).toBeUndefined()
    await udpExchange(started.host, started.ports[1] as number, query('printer.local'), 300)
    const wpad = await started.waitFor((event) => event.fields.name === 'wpad')
    expect(wpad).toMatchObject({ event: 'scan', fields: { protocol: 'llmnr', qtype: 'A' } })
    const mdns = await started.waitFor((event) => event.fields.name === 'printer.local')
    expect(mdns.fields.protocol).toBe('mdns')
  })
})
