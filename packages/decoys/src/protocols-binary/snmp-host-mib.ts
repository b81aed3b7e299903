import type { Persona, ServiceProduct } from '@decnet/core'
import { loadAverage, personaUnit, personaValue, uptimeSeconds } from '@decnet/core/persona'
import { zonedTime } from '../protocols-text/wire-time.ts'
import type { Mib, MibValue, SnmpEngine } from './snmp-agent.ts'

/**
 * The MIB a persona's SNMP agent exposes: MIB-II system and interfaces, and HOST-RESOURCES hrSystem,
 * all read from the persona (uname line, boot time, hostname, MAC, time zone), so SNMP tells the same
 * story as every other service of the decky. Time-dependent values are computed per request.
 */

const NET_SNMP_LINUX = '1.3.6.1.4.1.8072.3.2.10'
const NET_SNMP_FREEBSD = '1.3.6.1.4.1.8072.3.2.8'

export type SnmpOverrides = {
  descr?: string | undefined
  contact?: string | undefined
  location?: string | undefined
}

/** sysDescr as the product prints it: net-snmp is `uname -a` without the OS suffix; others their own. */
export function sysDescr(persona: Persona, product: ServiceProduct | undefined): string {
  if (!product || product.product === 'net-snmp') {
    const os = persona.os
    const system = persona.family === 'bsd' ? 'FreeBSD' : 'Linux'
    return `${system} ${persona.hostname} ${os.kernel} ${os.kernelVersion} ${os.arch}`
  }
  return product.banner
}

function sysObjectId(persona: Persona, product: ServiceProduct | undefined): string {
  const configured = product?.attrs.sysObjectId
  if (configured) return configured
  if (persona.family === 'windows') return '1.3.6.1.4.1.311.1.1.3.1.1'
  if (persona.family === 'windows_server') return '1.3.6.1.4.1.311.1.1.3.1.2'
  return persona.family === 'bsd' ? NET_SNMP_FREEBSD : NET_SNMP_LINUX
}

/** sysServices: hosts 72 (application + end-to-end), Windows 76 (+ internet), a switch 6. */
function sysServices(persona: Persona): number {
  if (persona.family === 'windows' || persona.family === 'windows_server') return 76
  if (persona.family === 'cisco') return 6
  return 72
}

/**
 * sysContact / sysLocation: what the product's stock configuration says unless the admin edited it
 * (most did, each in their own words; the stock lines are still common and the same everywhere).
 */
function contactAndLocation(persona: Persona, product: ServiceProduct | undefined): [string, string] {
  const edited = personaUnit(persona, 'snmp-edited') < 0.7
  const domain = persona.domain?.dns ?? 'localdomain'
  if (edited) {
    const contacts = [
      `it@${domain}`,
      `noc@${domain}`,
      'root@localhost',
      `sysadmin@${domain}`,
      'IT Operations',
    ]
    const sites = ['Server Room', 'DC1 Rack B2', 'IDF 3rd floor', 'Main office', 'Building A, room 014']
    const pick = (items: string[], label: string) =>
      items[Math.floor(personaUnit(persona, label) * items.length)] as string
    return [pick(contacts, 'snmp-contact'), pick(sites, 'snmp-location')]
  }
  if (product && product.product !== 'net-snmp') return ['', '']
  switch (persona.os.id) {
    case 'debian':
    case 'ubuntu':
    case 'kali':
      return ['Me <me@example.org>', 'Sitting on the Dock of the Bay']
    case 'rocky':
    case 'centos':
    case 'fedora':
      return [
        'Root <root@localhost> (configure /etc/snmp/snmp.local.conf)',
        'Unknown (edit /etc/snmp/snmpd.conf)',
      ]
    default:
      return ['', '']
  }
}

/** HOST-RESOURCES DateAndTime: local time in the persona's zone with its UTC offset. */
export function dateAndTime(nowMs: number, timeZone: string): Buffer {
  const t = zonedTime(nowMs, timeZone)
  const out = Buffer.alloc(11)
  out.writeUInt16BE(t.year, 0)
  out[2] = t.month + 1
  out[3] = t.day
  out[4] = t.hour
  out[5] = t.minute
  out[6] = t.second
  out[7] = Math.floor((nowMs % 1000) / 100)
  out[8] = t.offsetMinutes < 0 ? 0x2d : 0x2b
  out[9] = Math.floor(Math.abs(t.offsetMinutes) / 60)
  out[10] = Math.abs(t.offsetMinutes) % 60
  return out
}

type Interface = {
  descr: string
  type: number
  mtu: number
  speed: number
  mac: Buffer
  bytesPerSecond: number
}

/** The NIC name the hardware gives it: vmxnet3 on VMware, virtio on KVM, onboard on metal. */
function interfaces(persona: Persona): Interface[] {
  const mac = Buffer.from(persona.mac.replaceAll(':', ''), 'hex')
  const rate = 2_000 + Math.floor(personaUnit(persona, 'snmp-traffic') * 60_000)
  const vendor = persona.hardware.vendor.toLowerCase()
  const windows = persona.family === 'windows' || persona.family === 'windows_server'
  if (windows) {
    const nic = vendor.includes('vmware')
      ? 'vmxnet3 Ethernet Adapter'
      : vendor.includes('microsoft')
        ? 'Microsoft Hyper-V Network Adapter'
        : 'Intel(R) Ethernet Connection (7) I219-LM'
    return [
      {
        descr: 'Software Loopback Interface 1',
        type: 24,
        mtu: 1500,
        speed: 1_073_741_824,
        mac: Buffer.alloc(0),
        bytesPerSecond: 0,
      },
      {
        descr: nic,
        type: 6,
        mtu: 1500,
        speed: vendor.includes('vmware') ? 4_294_967_295 : 1_000_000_000,
        mac,
        bytesPerSecond: rate,
      },
    ]
  }
  if (persona.family === 'cisco' || persona.family === 'embedded') {
    return [
      {
        descr: persona.family === 'cisco' ? 'Vlan1' : 'eth0',
        type: 6,
        mtu: 1500,
        speed: 100_000_000,
        mac,
        bytesPerSecond: rate / 10,
      },
    ]
  }
  const name = vendor.includes('vmware')
    ? 'ens192'
    : vendor.includes('qemu')
      ? 'ens18'
      : vendor.includes('microsoft')
        ? 'eth0'
        : persona.family === 'bsd'
          ? 'em0'
          : 'eno1'
  return [
    { descr: 'lo', type: 24, mtu: 65536, speed: 10_000_000, mac: Buffer.alloc(0), bytesPerSecond: 300 },
    {
      descr: name,
      type: 6,
      mtu: 1500,
      speed: vendor.includes('vmware') ? 4_294_967_295 : 1_000_000_000,
      mac,
      bytesPerSecond: rate,
    },
  ]
}

/** The agent's MIB for one persona; `nowMs` is read per request. */
export function hostMib(
  persona: Persona,
  product: ServiceProduct | undefined,
  overrides: SnmpOverrides = {},
  now: () => number = Date.now,
): Mib {
  const [contact, location] = contactAndLocation(persona, product)
  // The agent starts a few seconds after the kernel; sysUpTime counts from there, hrSystemUptime from boot.
  const agentDelay = 5 + Math.floor(personaUnit(persona, 'snmp-start') * 25)
  const hostTicks = () => uptimeSeconds(persona, now()) * 100 + Math.floor((now() % 1000) / 10)
  const agentTicks = () => Math.max(0, hostTicks() - agentDelay * 100)
  const mib: Mib = new Map<string, MibValue>([
    ['1.3.6.1.2.1.1.1.0', { type: 'string', value: overrides.descr ?? sysDescr(persona, product) }],
    ['1.3.6.1.2.1.1.2.0', { type: 'oid', value: sysObjectId(persona, product) }],
    ['1.3.6.1.2.1.1.3.0', { type: 'timeticks', value: agentTicks }],
    ['1.3.6.1.2.1.1.4.0', { type: 'string', value: overrides.contact ?? contact }],
    ['1.3.6.1.2.1.1.5.0', { type: 'string', value: persona.hostname }],
    ['1.3.6.1.2.1.1.6.0', { type: 'string', value: overrides.location ?? location }],
    ['1.3.6.1.2.1.1.7.0', { type: 'integer', value: sysServices(persona) }],
  ])
  const nics = interfaces(persona)
  mib.set('1.3.6.1.2.1.2.1.0', { type: 'integer', value: nics.length })
  nics.forEach((nic, i) => {
    const index = i + 1
    const column = (n: number, value: MibValue) => mib.set(`1.3.6.1.2.1.2.2.1.${n}.${index}`, value)
    column(1, { type: 'integer', value: index })
    column(2, { type: 'string', value: nic.descr })
    column(3, { type: 'integer', value: nic.type })
    column(4, { type: 'integer', value: nic.mtu })
    column(5, { type: 'gauge32', value: () => nic.speed })
    column(6, { type: 'bytes', value: () => nic.mac })
    column(7, { type: 'integer', value: 1 })
    column(8, { type: 'integer', value: 1 })
    column(9, { type: 'timeticks', value: () => 0 })
    column(10, { type: 'counter32', value: () => Math.floor((hostTicks() / 100) * nic.bytesPerSecond) })
    column(16, { type: 'counter32', value: () => Math.floor((hostTicks() / 100) * nic.bytesPerSecond * 0.4) })
  })
  if (product?.product === 'net-snmp' || product?.product === 'windows-snmp' || !product) {
    const processes = 110 + Math.floor(personaUnit(persona, 'snmp-processes') * 140)
    const rootUuid = personaValue(persona, 'root-uuid', 16).replace(
      /^(.{8})(.{4})(.{4})(.{4})(.{12})$/,
      '$1-$2-$3-$4-$5',
    )
    mib.set('1.3.6.1.2.1.25.1.1.0', { type: 'timeticks', value: hostTicks })
    mib.set('1.3.6.1.2.1.25.1.2.0', { type: 'bytes', value: () => dateAndTime(now(), persona.timezone) })
    mib.set('1.3.6.1.2.1.25.1.3.0', { type: 'integer', value: 393216 })
    if (persona.family === 'linux') {
      mib.set('1.3.6.1.2.1.25.1.4.0', {
        type: 'string',
        value: `BOOT_IMAGE=/boot/vmlinuz-${persona.os.kernel} root=UUID=${rootUuid} ro quiet\n`,
      })
    }
    mib.set('1.3.6.1.2.1.25.1.5.0', {
      type: 'gauge32',
      value: () => (Math.floor(now() / 3_600_000) % 3 === 0 ? 1 : 0),
    })
    mib.set('1.3.6.1.2.1.25.1.6.0', {
      type: 'gauge32',
      value: () => processes + Math.floor(Math.sin(now() / 60_000) * 6),
    })
    mib.set('1.3.6.1.2.1.25.1.7.0', { type: 'integer', value: 0 })
  }
  if (!product || product.product === 'net-snmp') addUcdSystem(mib, persona, now)
  return mib
}

/**
 * The v3 engine of agents that have one: net-snmp's id is its enterprise (8072) with 8 random bytes
 * drawn at first start and kept; IOS and devices use their enterprise and MAC. Windows has no v3.
 */
export function snmpEngine(persona: Persona, product: ServiceProduct | undefined): SnmpEngine | undefined {
  const name = product?.product ?? 'net-snmp'
  if (name === 'windows-snmp') return undefined
  const agentStart = 5 + Math.floor(personaUnit(persona, 'snmp-start') * 25)
  const boots = 1 + Math.floor(personaUnit(persona, 'snmp-boots') * 40)
  const time = () => Math.max(0, uptimeSeconds(persona, Date.now()) - agentStart)
  const mac = Buffer.from(persona.mac.replaceAll(':', ''), 'hex')
  if (name === 'net-snmp') {
    const id = Buffer.concat([
      Buffer.from([0x80, 0x00, 0x1f, 0x88, 0x80]),
      Buffer.from(personaValue(persona, 'snmp-engine', 8), 'hex'),
    ])
    return { id, boots, time }
  }
  const enterprise = Number(/^1\.3\.6\.1\.4\.1\.(\d+)/.exec(sysObjectId(persona, product))?.[1] ?? 8072)
  const id = Buffer.alloc(5)
  id.writeUInt32BE((0x80000000 | enterprise) >>> 0, 0)
  id[4] = 3
  return { id: Buffer.concat([id, mac]), boots, time }
}

/**
 * net-snmp's UCD-SNMP-MIB load and memory: the persona's load average (wandering per read, as
 * /proc/loadavg does) and memory size, the same numbers the shell's `uptime` and `free` show.
 */
function addUcdSystem(mib: Mib, persona: Persona, now: () => number): void {
  const names = ['Load-1', 'Load-5', 'Load-15']
  names.forEach((name, i) => {
    const index = i + 1
    const load = () => loadAverage(persona, now())[i] ?? 0
    mib.set(`1.3.6.1.4.1.2021.10.1.1.${index}`, { type: 'integer', value: index })
    mib.set(`1.3.6.1.4.1.2021.10.1.2.${index}`, { type: 'string', value: name })
    mib.set(`1.3.6.1.4.1.2021.10.1.3.${index}`, { type: 'text', value: () => load().toFixed(2) })
    mib.set(`1.3.6.1.4.1.2021.10.1.5.${index}`, {
      type: 'dynamicInteger',
      value: () => Math.round(load() * 100),
    })
  })
  const total = persona.hardware.memoryKb
  const used = 0.35 + personaUnit(persona, 'snmp-memory') * 0.4
  mib.set('1.3.6.1.4.1.2021.4.5.0', { type: 'integer', value: total })
  mib.set('1.3.6.1.4.1.2021.4.6.0', {
    type: 'dynamicInteger',
    value: () => Math.floor(total * (1 - used - 0.03 * Math.sin(now() / 300_000))),
  })
}
