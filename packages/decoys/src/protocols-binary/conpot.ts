import type { Emulator, EmulatorContext } from '../emulator.ts'
import { listenHttp } from '../framework/http.ts'
import { running } from '../framework/listeners.ts'
import { seededRandom } from '../framework/random.ts'
import { listenTcp } from '../framework/tcp.ts'
import { listenUdp } from '../framework/udp.ts'
import { type ModbusDevice, modbusHandler } from './modbus.ts'
import { snmpAgent, systemGroup } from './snmp-agent.ts'

/** ICS device personas: what Modbus identification, SNMP and the web page all agree on. */
const PERSONAS = [
  {
    vendor: 'Siemens',
    product: 'SIMATIC S7-200',
    productCode: '6ES7 216-2AD23-0XB0',
    revision: 'V2.2',
    descr: 'Siemens, SIMATIC, S7-200',
    objectId: '1.3.6.1.4.1.4196.1.1.5.2.26',
    server: 'Boa/0.94.14rc21',
  },
  {
    vendor: 'Schneider Electric',
    product: 'Modicon M340',
    productCode: 'BMX P34 2020',
    revision: 'v2.7',
    descr: 'Schneider Electric BMX P34 2020',
    objectId: '1.3.6.1.4.1.3833.1.7.255.7',
    server: 'GoAhead-Webs',
  },
  {
    vendor: 'WAGO',
    product: 'PFC200',
    productCode: '750-8202',
    revision: '03.06.19(18)',
    descr: 'WAGO 750-8202 PFC200 CS 2ETH RS',
    objectId: '1.3.6.1.4.1.13576.10.1.40',
    server: 'lighttpd/1.4.48',
  },
  {
    vendor: 'ABB',
    product: 'AC500',
    productCode: 'PM573-ETH',
    revision: 'V2.8.4',
    descr: 'ABB AC500 PM573-ETH',
    objectId: '1.3.6.1.4.1.33031.1.1',
    server: 'Apache/2.2.22',
  },
]
const SITES = [
  'Pump Station 3',
  'Water Treatment Plant',
  'Substation North',
  'Boiler House',
  'Line 2 Packaging',
]

type Persona = (typeof PERSONAS)[number]

function buildDevice(ctx: EmulatorContext, persona: Persona): ModbusDevice {
  const random = seededRandom(ctx.seed).fork('conpot-registers')
  const registers = new Uint16Array(random.pick([128, 256, 512]))
  // Plausible process values: temperatures, pressures, setpoints, counters, mostly zero padding.
  for (let i = 0; i < registers.length; i++) {
    registers[i] = random.next() < 0.35 ? random.int(0, 65535) : random.next() < 0.5 ? random.int(0, 1200) : 0
  }
  const coils = new Uint8Array(random.pick([64, 128, 256]))
  for (let i = 0; i < coils.length; i++) coils[i] = random.next() < 0.3 ? 1 : 0
  return {
    coils,
    registers,
    vendor: persona.vendor,
    productCode: persona.productCode,
    revision: persona.revision,
    slaveId: `${persona.product} ${persona.revision}`,
  }
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)

function statusPage(persona: Persona, site: string, hostname: string): string {
  const rows = [
    ['Station', hostname],
    ['Location', site],
    ['Order number', persona.productCode],
    ['Firmware', persona.revision],
    ['Mode', 'RUN'],
  ]
  const table = rows.map(([name, value]) => `<tr><td>${name}</td><td>${value}</td></tr>`).join('')
  return `<!DOCTYPE html>\n<html><head><title>${persona.product} - ${hostname}</title></head><body>\n<h1>${persona.vendor} ${persona.product}</h1>\n<table>${table}</table>\n</body></html>\n`
}

/**
 * Conpot-style ICS decoy: Modbus/TCP on ports[0] (502) and, when given, SNMP on ports[1] (UDP 161)
 * and a small web page on ports[2] (80), all telling the same seeded device story.
 */
export const conpotEmulator: Emulator = {
  slug: 'conpot',
  async start(ctx) {
    const random = seededRandom(ctx.seed).fork('conpot')
    const persona = random.pick(PERSONAS)
    const site = random.pick(SITES)
    const device = buildDevice(ctx, persona)
    const hostname = escapeHtml(ctx.hostname)
    // The catalogue may give Modbus alone (an ICS decky can run the snmp/http services beside it):
    // the SNMP and web faces start only when their ports are given, so nothing binds twice.
    const [modbusPort = 502, snmpPort, httpPort] = ctx.ports
    const listeners: { port: number; close(): Promise<void> }[] = []
    try {
      listeners.push(
        await listenTcp({ ctx, port: modbusPort, handle: (session) => modbusHandler(session, device) }),
      )
      if (snmpPort !== undefined) {
        const mib = systemGroup({
          descr: persona.descr,
          objectId: persona.objectId,
          bootedAt: Date.now() - random.int(20, 900) * 86_400_000,
          contact: random.pick(['Plant engineering', 'control@plant', '']),
          name: ctx.hostname,
          location: site,
          services: 72,
        })
        listeners.push(
          await listenUdp({
            ctx,
            port: snmpPort,
            maxDatagramBytes: 4096,
            handle: snmpAgent({ mib, communities: ['public'] }),
          }),
        )
      }
      if (httpPort !== undefined) {
        const page = statusPage(persona, site, hostname)
        const notFound =
          '<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n'
        listeners.push(
          ...(await listenHttp({
            ctx,
            ports: [httpPort],
            defaultHeaders: { Server: persona.server, 'Content-Type': 'text/html' },
            handle: (request) =>
              request.path === '/' || request.path === '/index.html'
                ? { status: 200, body: page }
                : { status: 404, body: notFound },
          })),
        )
      }
    } catch (error) {
      await Promise.all(listeners.map((listener) => listener.close()))
      throw error
    }
    return running(listeners)
  },
}
