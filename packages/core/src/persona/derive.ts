// derivePersona: the one story a decky tells, derived purely from its seed and what the operator
// chose (family, distro, archetype) plus the fleet's shared facts (AD domain). Same input, same
// persona; two seeds, two machines that share nothing a real machine would randomise.
import { type ArchetypeSlug, isArchetypeSlug } from '../catalog/archetypes.ts'
import { type DistroSlug, isDistroSlug } from '../catalog/distros.ts'
import { isOsFamilySlug, type OsFamilySlug } from '../catalog/os-families.ts'
import { servicesForFamily } from '../catalog/services.ts'
import { getTcpStack } from '../catalog/tcp-stacks.ts'
import { fnv1a, pickOne, type RandomSource, randomInt } from '../random.ts'
import {
  type NmapClass,
  PERSONA_VERSION,
  type Persona,
  type PersonaDomain,
  type PersonaOs,
  type ServiceProduct,
} from '../schemas/persona.ts'
import { CISCO_IOS, type DeviceProfile, EMBEDDED_DEVICES, EMBEDDED_FALLBACK, FREEBSD } from './devices.ts'
import { cpuOf, drawHardware, HARDWARE, type HardwareProfile } from './hardware.ts'
import { sha256, toHex, utf8 } from './hash.ts'
import { personaRandom, personaValue } from './keyed.ts'
import {
  LINUX_DISTRO_PROFILES,
  type LinuxDistroProfile,
  type PackagedProduct,
  VENDOR_PRODUCTS,
} from './linux-distros.ts'
import {
  deriveDomain,
  FLEET_TIMEZONES,
  linuxHostname,
  windowsDesktopName,
  windowsServerHostname,
} from './names.ts'
import {
  WINDOWS_SERVER_RELEASES,
  WINDOWS_WORKSTATION_RELEASES,
  type WindowsRelease,
} from './windows-builds.ts'

export interface PersonaInput {
  /** 32 hex, drawn once per decky and stored with it. */
  seed: string
  osFamily: OsFamilySlug
  /** Catalogue distro slug (Linux personas run it; other families ignore it). */
  distro: string
  archetype?: ArchetypeSlug | null
  /** The decky's services (names a Windows server by its role); optional. */
  services?: readonly string[]
  /** The fleet's AD domain, shared by every decky; derived from the seed when absent. */
  domain?: PersonaDomain | null
  /** Kept from a previous decky of the same name. */
  hostname?: string | null
  /** Host names other deckies already carry: the persona draws again rather than repeat one. */
  avoidHostnames?: readonly string[]
  /** Epoch ms of the deploy: boot time lies 1–90 days before it. Without it, before 2024-12-01. */
  nowMs?: number
}

/** What one family branch decides; `derivePersona` adds the shared parts. */
type Body = Omit<
  Persona,
  'version' | 'seed' | 'family' | 'hostname' | 'domain' | 'mac' | 'machineId' | 'bootTime' | 'timezone'
> & {
  ouis: readonly string[]
  /** A host name; `macTail` is the last three MAC bytes, upper-case hex (`8C2F1A`). */
  hostname: (random: RandomSource, macTail: string) => string
  domain: PersonaDomain | null
}

const BOOT_ANCHOR_MS = Date.UTC(2024, 11, 1)

const SERVICE: (product: string, p: PackagedProduct, attrs?: Record<string, string>) => ServiceProduct = (
  product,
  p,
  attrs,
) => ({ product, version: p.version, banner: p.banner, attrs: { ...(p.attrs ?? {}), ...(attrs ?? {}) } })

/** Extra slugs some families answer on beyond the catalogue (their emulators are on the way). */
const WINDOWS_EXTRA_SLUGS = ['msrpc', 'nbns']

export function derivePersona(input: PersonaInput): Persona {
  if (!/^[0-9a-f]{32}$/.test(input.seed))
    throw new RangeError('persona seed must be 32 lower-case hex digits')
  const random = (label: string) => personaRandom(input, label)
  const fleetDomain = input.domain ?? deriveDomain(input)
  const body = familyBody(input, fleetDomain, random)
  const ouiRandom = random('oui')
  const oui = pickOne(ouiRandom, body.ouis)
  const nic = personaValue(input, 'mac', 3)
  const mac = `${oui.toLowerCase()}:${nic.slice(0, 2)}:${nic.slice(2, 4)}:${nic.slice(4, 6)}`
  const hostname = input.hostname ?? pickHostname(body, mac, input, random)
  const bootDays = 1 + random('boot')() * 89
  const nowMs = input.nowMs ?? BOOT_ANCHOR_MS
  const { ouis: _ouis, hostname: _hostname, domain, ...rest } = body
  return {
    version: PERSONA_VERSION,
    seed: input.seed,
    family: input.osFamily,
    ...rest,
    hostname,
    domain,
    mac,
    machineId: personaValue(input, 'machine-id', 16),
    bootTime: Math.floor(nowMs / 1000 - bootDays * 86_400),
    timezone: FLEET_TIMEZONES[fnv1a(fleetDomain.dns) % FLEET_TIMEZONES.length] as string,
  }
}

/** A fleet domain for a new fleet, drawn once from a fresh seed (the planner stores it in every persona). */
export function deriveFleetDomain(seed: string): PersonaDomain {
  return deriveDomain({ seed })
}

function pickHostname(
  body: Body,
  mac: string,
  input: PersonaInput,
  random: (label: string) => RandomSource,
): string {
  const tail = mac.slice(-8).replaceAll(':', '').toUpperCase()
  const taken = new Set((input.avoidHostnames ?? []).map((name) => name.toLowerCase()))
  for (let attempt = 0; attempt < 50; attempt++) {
    const name = body.hostname(random(`hostname:${attempt}`), tail)
    if (!taken.has(name.toLowerCase())) return name
  }
  // Fifty clashes: the fleet has many deckies of one role; the MAC tail makes it unique.
  return `${body.hostname(random('hostname'), tail)}-${tail.slice(-4).toLowerCase()}`
}

function familyBody(
  input: PersonaInput,
  fleetDomain: PersonaDomain,
  random: (label: string) => RandomSource,
): Body {
  switch (input.osFamily) {
    case 'linux':
      return linuxBody(input, fleetDomain, random)
    case 'windows':
    case 'windows_server':
      return windowsBody(input, fleetDomain, random)
    case 'bsd':
      return deviceBody(
        { ...FREEBSD, hardware: pickOne(random('hardware'), HARDWARE.bsd), hostname: bsdHostname },
        random,
        { ...fleetDomain, joined: false },
        'bsd',
      )
    case 'cisco':
      return deviceBody({ ...CISCO_IOS, hostname: ciscoHostname }, random, null, 'cisco')
    case 'embedded':
      return deviceBody(embeddedDevice(input, random), random, null, 'embedded')
  }
}

function bsdHostname(_tail: string, random: RandomSource): string {
  return `${pickOne(random, ['fw', 'gw', 'nas', 'bsd', 'router', 'proxy'])}${String(randomInt(random, 1, 9)).padStart(2, '0')}`
}

function ciscoHostname(_tail: string, random: RandomSource): string {
  const role = pickOne(random, ['SW-CORE', 'SW-ACC', 'SW-DIST', 'sw-floor', 'SW'])
  return `${role}-${String(randomInt(random, 1, 12)).padStart(2, '0')}`
}

function embeddedDevice(input: PersonaInput, random: (label: string) => RandomSource): DeviceProfile {
  switch (input.archetype) {
    case 'printer':
      return EMBEDDED_DEVICES.printer
    case 'industrial-control':
      return EMBEDDED_DEVICES.ics
    case 'iot-device':
      return EMBEDDED_DEVICES.gateway
    default: {
      const services = input.services ?? []
      if (services.includes('conpot')) return EMBEDDED_DEVICES.ics
      if (services.includes('mqtt')) return EMBEDDED_DEVICES.gateway
      return pickOne(random('device'), Object.values(EMBEDDED_DEVICES))
    }
  }
}

function deviceBody(
  device: DeviceProfile,
  random: (label: string) => RandomSource,
  domain: PersonaDomain | null,
  family: OsFamilySlug,
): Body {
  const services: Record<string, ServiceProduct> = {}
  const extra = family === 'bsd' ? ['nbns'] : []
  for (const slug of [...servicesForFamily(family), ...extra]) {
    const found = device.products[slug] ?? (family === 'embedded' ? EMBEDDED_FALLBACK[slug] : undefined)
    if (!found) throw new Error(`persona table: ${device.id} has no product for ${slug}`)
    const { product, ...rest } = found
    services[slug] = SERVICE(product, rest)
  }
  return {
    ...stackFacts(device.stack, device.nmapClass),
    os: { ...device.os, windows: null },
    hardware: drawHardware(device.hardware, random('hardware')),
    loadBase: device.loadBase,
    services,
    ouis: device.hardware.ouis,
    hostname: (r, tail) => device.hostname(tail, r),
    domain,
  }
}

const LOAD_BY_ARCHETYPE: Readonly<Partial<Record<ArchetypeSlug, [number, number]>>> = {
  'database-server': [0.4, 2.5],
  'devops-host': [0.5, 3],
  'web-server': [0.2, 1.5],
  'mail-server': [0.1, 0.8],
  'file-server': [0.1, 0.9],
  'monitoring-node': [0.3, 1.2],
  'domain-controller': [0.1, 0.6],
}

function loadFor(archetype: ArchetypeSlug | null | undefined, random: RandomSource): number {
  const [low, high] = (archetype ? LOAD_BY_ARCHETYPE[archetype] : undefined) ?? [0.02, 0.6]
  return Math.round((low + random() * (high - low)) * 100) / 100
}

function linuxBody(
  input: PersonaInput,
  fleetDomain: PersonaDomain,
  random: (label: string) => RandomSource,
): Body {
  const distro: DistroSlug = isDistroSlug(input.distro) ? input.distro : 'debian'
  const profile = LINUX_DISTRO_PROFILES[distro]
  const kernel = pickOne(random('kernel'), profile.kernels)
  const hardwareProfile = pickOne(random('hardware'), HARDWARE.linuxServer)
  const hardware = drawHardware(hardwareProfile, random('hardware-draw'))
  const os: PersonaOs = {
    vendor: profile.vendor,
    name: profile.name,
    id: profile.id,
    versionId: profile.versionId,
    codename: profile.codename,
    kernel: kernel.release,
    kernelVersion: kernel.version,
    arch: 'x86_64',
    windows: null,
  }
  return {
    ...stackFacts('linux', { vendor: 'Linux', osFamily: 'Linux', deviceType: 'general purpose' }),
    os,
    hardware,
    loadBase: loadFor(input.archetype, random('load')),
    services: linuxServices(profile, os, random),
    ouis: hardwareProfile.ouis,
    hostname: (r) => linuxHostname(distro, input.archetype ?? null, r),
    // Linux hosts keep the company domain as their DNS search domain; they are not AD members.
    domain: { ...fleetDomain, joined: false },
  }
}

function linuxServices(
  profile: LinuxDistroProfile,
  os: PersonaOs,
  random: (label: string) => RandomSource,
): Record<string, ServiceProduct> {
  const packaged = (
    id: keyof LinuxDistroProfile['packages'],
    attrs?: Record<string, string>,
  ): ServiceProduct => {
    const p = profile.packages[id]
    if (!p) throw new Error(`persona table: ${profile.distro} has no ${id}`)
    return SERVICE(id, p, attrs)
  }
  // The first choice is the distro's usual one; the others are what some admins install instead.
  const usual = <T>(label: string, choices: readonly T[]): T =>
    random(label)() < 0.6 ? (choices[0] as T) : pickOne(random(`${label}:other`), choices)
  const web = packaged(usual('web', profile.web))
  const mta = packaged(usual('mta', profile.mtas))
  const vendor = (name: keyof typeof VENDOR_PRODUCTS, product: string) =>
    SERVICE(product, pickOne(random(name), VENDOR_PRODUCTS[name]))
  const osLine = `Linux ${os.kernel} ${os.arch}`
  const services: Record<string, ServiceProduct> = {
    ssh: packaged('openssh'),
    telnet: packaged('linux-telnetd'),
    http: web,
    https: web,
    ftp: packaged(usual('ftp', profile.ftp)),
    smb: packaged('samba'),
    nbns: packaged('samba'),
    ldap: packaged('openldap'),
    dns: packaged(random('dns')() < 0.8 ? 'bind' : 'dnsmasq'),
    smtp: mta,
    smtp_relay: mta,
    imap: packaged('dovecot'),
    pop3: packaged('dovecot'),
    mysql: packaged(usual('sql', profile.sql)),
    postgres: packaged('postgresql', {
      compiledBy: `${profile.gcc}, 64-bit`,
      platform: `x86_64-pc-linux-gnu`,
    }),
    redis: packaged('redis', { os: osLine, gccVersion: profile.gcc.replace(/^.*\) /, '') }),
    mongodb: vendor('mongodb', 'mongodb'),
    elasticsearch: vendor('elasticsearch', 'elasticsearch'),
    k8s: vendor('kubernetes', 'kubernetes'),
    docker_api: vendor('docker', 'docker'),
    mqtt: packaged('mosquitto'),
    snmp: packaged('net-snmp'),
    sip: packaged('asterisk'),
    tftp: packaged('tftpd-hpa'),
    vnc: packaged('libvncserver'),
  }
  return services
}

function windowsBody(
  input: PersonaInput,
  fleetDomain: PersonaDomain,
  random: (label: string) => RandomSource,
): Body {
  const server = input.osFamily === 'windows_server'
  const release: WindowsRelease = pickOne(
    random('release'),
    server ? WINDOWS_SERVER_RELEASES : WINDOWS_WORKSTATION_RELEASES,
  )
  const productName = pickOne(random('edition'), release.editions)
  const hardwareProfile: HardwareProfile = pickOne(
    random('hardware'),
    server ? HARDWARE.windowsServer : HARDWARE.windowsWorkstation,
  )
  const hardware = drawHardware(hardwareProfile, random('hardware-draw'))
  const b = release.build
  const ntBuild = `${b.major}.${b.minor}.${b.build}`
  const os: PersonaOs = {
    vendor: 'Microsoft',
    name: productName,
    id: 'windows',
    versionId: ntBuild,
    codename: null,
    kernel: `${ntBuild}.${b.ubr}`,
    kernelVersion: `Microsoft Windows [Version ${ntBuild}.${b.ubr}]`,
    arch: 'x86_64',
    windows: { ...b, productName },
  }
  const services = windowsServices(release, os, hardware, server, random)
  // Workstations are mostly domain members; a DC and most servers always are.
  const joined = input.archetype === 'domain-controller' || random('joined')() < (server ? 0.9 : 0.8)
  return {
    ...stackFacts(server ? 'windows-server' : 'windows-10', {
      vendor: 'Microsoft',
      osFamily: 'Windows',
      deviceType: 'general purpose',
    }),
    os,
    hardware,
    loadBase: loadFor(input.archetype, random('load')),
    services,
    ouis: hardwareProfile.ouis,
    hostname: (r) =>
      server
        ? windowsServerHostname(input.archetype ?? null, input.services ?? [], r)
        : windowsDesktopName(r),
    domain: { ...fleetDomain, joined },
  }
}

function windowsServices(
  release: WindowsRelease,
  os: PersonaOs,
  hardware: Persona['hardware'],
  server: boolean,
  random: (label: string) => RandomSource,
): Record<string, ServiceProduct> {
  const b = release.build
  const ntBuild = `${b.major}.${b.minor}.${b.build}`
  const windows = (attrs: Record<string, string> = {}): ServiceProduct => ({
    product: 'windows',
    version: ntBuild,
    banner: os.name,
    attrs: { build: String(b.build), ubr: String(b.ubr), ...attrs },
  })
  const iis = {
    product: 'iis',
    version: release.iis,
    banner: `Microsoft-IIS/${release.iis}`,
    attrs: { aspnet: '4.0.30319' },
  }
  const sql = pickOne(random('mssql'), release.sql)
  const cpuid = cpuOf(hardware)?.cpuid ?? { family: 6, model: 85, stepping: 7 }
  const family = os.name.startsWith('Windows Server') ? 'Server' : 'Workstation'
  const services: Record<string, ServiceProduct> = {
    ssh: {
      product: 'openssh',
      version: (release.openssh ?? 'OpenSSH_for_Windows_8.1').replace('OpenSSH_for_Windows_', ''),
      banner: release.openssh ?? 'OpenSSH_for_Windows_8.1',
      attrs: {},
    },
    http: iis,
    https: iis,
    ftp: { product: 'microsoft-ftp', version: release.iis, banner: 'Microsoft FTP Service', attrs: {} },
    smb: windows(),
    rdp: windows(),
    msrpc: windows(),
    nbns: windows(),
    llmnr: windows(),
    mssql: {
      product: 'mssql',
      version: sql.version,
      banner: `Microsoft SQL Server ${sql.year} (${sql.level}) - ${sql.version} (X64)`,
      attrs: {
        year: sql.year,
        level: sql.level,
        edition: server ? 'Standard Edition (64-bit)' : 'Express Edition (64-bit)',
      },
    },
    snmp: {
      product: 'windows-snmp',
      version: ntBuild,
      banner: `Hardware: Intel64 Family ${cpuid.family} Model ${cpuid.model} Stepping ${cpuid.stepping} AT/AT COMPATIBLE - Software: Windows Version ${release.ntVersion} (Build ${b.build} Multiprocessor Free)`,
      attrs: { sysObjectId: `1.3.6.1.4.1.311.1.1.3.1.${family === 'Server' ? '2' : '1'}` },
    },
    vnc:
      random('vnc')() < 0.5
        ? { product: 'realvnc', version: '7.12.0', banner: 'RFB 005.000', attrs: {} }
        : { product: 'tightvnc', version: '2.8.81', banner: 'RFB 003.008', attrs: {} },
  }
  if (server) {
    const exchange = pickOne(random('exchange'), release.exchange)
    const ex = (banner: string): ServiceProduct => ({
      product: 'exchange',
      version: exchange.version,
      banner,
      attrs: { name: exchange.name, cu: exchange.cu },
    })
    Object.assign(services, {
      ldap: {
        product: 'active-directory',
        version: ntBuild,
        banner: os.name,
        attrs: { functionalLevel: b.build >= 14393 ? '7' : '6' },
      },
      dns: { product: 'microsoft-dns', version: ntBuild, banner: `Microsoft DNS ${ntBuild}`, attrs: {} },
      smtp: ex('Microsoft ESMTP MAIL Service ready'),
      smtp_relay: ex('Microsoft ESMTP MAIL Service ready'),
      imap: ex('The Microsoft Exchange IMAP4 service is ready.'),
      pop3: ex('The Microsoft Exchange POP3 service is ready.'),
      mysql: { product: 'mysql', version: '8.0.40', banner: '8.0.40', attrs: {} },
      postgres: {
        product: 'postgresql',
        version: '16.6',
        banner: '16.6',
        attrs: { compiledBy: 'compiled by msvc-19.41.34120, 64-bit', platform: 'x86_64-windows' },
      },
      mongodb: SERVICE('mongodb', pickOne(random('mongodb'), VENDOR_PRODUCTS.mongodb)),
      elasticsearch: SERVICE(
        'elasticsearch',
        pickOne(random('elasticsearch'), VENDOR_PRODUCTS.elasticsearch),
      ),
    })
  }
  for (const slug of [...servicesForFamily(server ? 'windows_server' : 'windows'), ...WINDOWS_EXTRA_SLUGS]) {
    if (!services[slug]) throw new Error(`persona table: ${release.id} has no product for ${slug}`)
  }
  return services
}

/**
 * The seed of a decky that has none stored (rows from before personas, emulators started by tests):
 * a hash of its name, so the persona it gets is the same each time it is derived.
 */
export function seedFromName(name: string): string {
  return toHex(sha256(utf8(`decnet-persona:${name}`))).slice(0, 32)
}

/** The fields of a decky row a persona is derived from when the row has none. */
export interface PersonaLessDecky {
  name: string
  osFamily: string
  distro?: string | null
  archetype?: string | null
  services: readonly string[]
  hostname: string
  /** Kept when given (the MAC it already shows); derived otherwise. */
  mac?: string
}

/**
 * The persona of a decky stored before personas existed: derived from its name (same name, same
 * persona), keeping the host name and MAC it already shows on the network. Stored on first use.
 */
export function personaForLegacyDecky(decky: PersonaLessDecky, domain?: PersonaDomain | null): Persona {
  const osFamily = isOsFamilySlug(decky.osFamily) ? decky.osFamily : 'linux'
  const persona = derivePersona({
    seed: seedFromName(decky.name),
    osFamily,
    distro: decky.distro ?? 'debian',
    archetype: decky.archetype && isArchetypeSlug(decky.archetype) ? decky.archetype : null,
    services: decky.services,
    hostname: decky.hostname,
    ...(domain ? { domain } : {}),
  })
  return decky.mac ? { ...persona, mac: decky.mac.toLowerCase() } : persona
}

/**
 * The TCP/IP stack profile a persona is shaped to, and how nmap classifies it: the profile's measured
 * class where it has one (a Siemens PLC's stack reads as embedded Linux; nmap has no S7 imitation
 * here), else the persona's own expectation.
 */
function stackFacts(stack: string, expected: NmapClass): { stack: string; nmapClass: NmapClass } {
  const measured = getTcpStack(stack)?.nmapClass
  return {
    stack,
    nmapClass: measured
      ? {
          vendor: measured.vendor,
          osFamily: measured.osFamily,
          // A measured class without a device type means nmap's top guesses disagree on it.
          deviceType: measured.deviceType ?? null,
        }
      : expected,
  }
}
