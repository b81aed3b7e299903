import type { Persona } from '@decnet/core'
import { personaValue } from '@decnet/core/persona'
import type { Emulator, EmulatorContext } from '../emulator.ts'
import { listenHttp } from '../framework/http.ts'
import { running } from '../framework/listeners.ts'
import { seededRandom } from '../framework/random.ts'
import { listenTcp } from '../framework/tcp.ts'
import { listenUdp } from '../framework/udp.ts'
import { type ModbusDevice, modbusHandler } from './modbus.ts'
import { snmpAgent } from './snmp-agent.ts'
import { hostMib, snmpEngine } from './snmp-host-mib.ts'

/** What the PLC says about itself, from the persona's `conpot` product (vendor, model, firmware). */
export type PlcIdentity = {
  vendor: string
  model: string
  orderCode: string
  firmware: string
  /** SNMP sysDescr / sysObjectID of the same device. */
  descr: string
  objectId: string
}

/** Enterprise numbers of PLC vendors, for a sysObjectID under the right vendor when the persona has none. */
const VENDOR_OIDS: Record<string, string> = {
  siemens: '1.3.6.1.4.1.4329.6.1.2',
  'schneider electric': '1.3.6.1.4.1.3833.1.7.255.7',
  wago: '1.3.6.1.4.1.13576.10.1.40',
  abb: '1.3.6.1.4.1.33031.1.1',
}

export function plcIdentity(persona: Persona): PlcIdentity {
  const product = persona.services.conpot
  const attrs = product?.attrs ?? {}
  const vendor = attrs.vendor ?? 'Siemens'
  const model = attrs.model ?? persona.hardware.model
  const firmware = attrs.firmware ?? product?.version ?? persona.os.versionId
  const orderCode = attrs.orderCode ?? persona.hardware.model
  // The device's own SNMP agent tells the same story when the persona has one.
  const snmp = persona.services.snmp
  return {
    vendor,
    model,
    orderCode,
    firmware,
    descr: snmp?.product === 'embedded-snmp' ? snmp.banner : (product?.banner ?? `${vendor} ${model}`),
    objectId: snmp?.attrs.sysObjectId ?? VENDOR_OIDS[vendor.toLowerCase()] ?? '1.3.6.1.4.1.4329.6.1.2',
  }
}

const SITES = [
  'Pump Station 3',
  'Water Treatment Plant',
  'Substation North',
  'Boiler House',
  'Line 2 Packaging',
]

function buildDevice(ctx: EmulatorContext, plc: PlcIdentity): ModbusDevice {
  const random = seededRandom(personaValue(ctx.persona, 'conpot-registers'))
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
    vendor: plc.vendor,
    productCode: plc.orderCode,
    revision: plc.firmware,
    slaveId: `${plc.model} ${plc.firmware}`,
  }
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)

function statusPage(plc: PlcIdentity, site: string, hostname: string): string {
  const rows = [
    ['Station', hostname],
    ['Location', site],
    ['Order number', escapeHtml(plc.orderCode)],
    ['Firmware', escapeHtml(plc.firmware)],
    ['Mode', 'RUN'],
  ]
  const table = rows.map(([name, value]) => `<tr><td>${name}</td><td>${value}</td></tr>`).join('')
  return `<!DOCTYPE html>\n<html><head><title>${escapeHtml(plc.model)} - ${hostname}</title></head><body>\n<h1>${escapeHtml(`${plc.vendor} ${plc.model}`)}</h1>\n<table>${table}</table>\n</body></html>\n`
}

/**
 * Conpot-style ICS decoy: Modbus/TCP on ports[0] (502) and, when given, SNMP on ports[1] (UDP 161)
 * and a small web page on ports[2] (80), all telling the persona's device story (vendor, model,
 * firmware from its `conpot` product; sysDescr from its SNMP agent).
 */
export const conpotEmulator: Emulator = {
  slug: 'conpot',
  async start(ctx) {
    const random = seededRandom(personaValue(ctx.persona, 'conpot'))
    const plc = plcIdentity(ctx.persona)
    const site = random.pick(SITES)
    const device = buildDevice(ctx, plc)
    const hostname = escapeHtml(ctx.persona.hostname)
    // The catalogue may give Modbus alone (an ICS decky can run the snmp/http services beside it):
    // the SNMP and web faces start only when their ports are given, so nothing binds twice.
    const [modbusPort = 502, snmpPort, httpPort] = ctx.ports
    const listeners: { port: number; close(): Promise<void> }[] = []
    try {
      listeners.push(
        await listenTcp({ ctx, port: modbusPort, handle: (session) => modbusHandler(session, device) }),
      )
      if (snmpPort !== undefined) {
        const mib = hostMib(ctx.persona, ctx.persona.services.snmp, {
          descr: plc.descr,
          contact: random.pick(['Plant engineering', 'control@plant', '']),
          location: site,
        })
        listeners.push(
          await listenUdp({
            ctx,
            port: snmpPort,
            maxDatagramBytes: 4096,
            handle: snmpAgent({
              mib,
              communities: ['public'],
              engine: snmpEngine(ctx.persona, ctx.persona.services.snmp),
            }),
          }),
        )
      }
      if (httpPort !== undefined) {
        const page = statusPage(plc, site, hostname)
        const notFound =
          '<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n'
        listeners.push(
          ...(await listenHttp({
            ctx,
            ports: [httpPort],
            // The CPU's own web server names no product in its headers.
            defaultHeaders: { 'Content-Type': 'text/html' },
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
