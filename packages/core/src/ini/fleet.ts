// Fleet INI semantics: [general], decky sections (with `amount` expansion) and [target.service]
// persona sub-sections, validated against the catalogue. Produces fully expanded decky specs;
// network-dependent resolution (IPs, distros, hostnames) happens in the deploy planner.
import { ARCHETYPE_SLUGS, type ArchetypeSlug, getArchetype, isArchetypeSlug } from '../catalog/archetypes.ts'
import { DISTRO_SLUGS, type DistroSlug, isDistroSlug } from '../catalog/distros.ts'
import { isOsFamilySlug, OS_FAMILY_SLUGS, type OsFamilySlug } from '../catalog/os-families.ts'
import { coerceField, getConfigField, serviceConfigProblem } from '../catalog/service-config.ts'
import {
  type ConfigValue,
  familyForServices,
  findPortClash,
  findPortConflict,
  getService,
  isServiceSlug,
  SERVICE_FAMILIES,
  SERVICE_SLUGS,
  type ServiceSlug,
  serviceFitsFamily,
} from '../catalog/services.ts'
import { DecnetError, type IniLocation, iniError, quote } from '../errors.ts'
import { checkInterval, MAX_INTERVAL_MINUTES } from '../mutation/interval.ts'
import { explicitIpProblem, type ResolvedNetwork, resolveNetwork } from '../net/allocate.ts'
import { parseCidr, parseIpv4 } from '../net/ipv4.ts'
import { DECKY_NAME_RE } from '../schemas/common.ts'
import { type CustomService, isCustomServiceName } from '../schemas/custom-service.ts'
import { NETWORK_DRIVERS, type NetworkDriver } from '../schemas/hosts.ts'
import { checkTopology, overlappingNetwork, type Topology } from '../topology/graph.ts'
import {
  type IniNetwork,
  NETWORK_KEYS,
  networkSectionName,
  parseNetworkList,
  parseNetworkSection,
} from '../topology/ini.ts'
import { parseCustomSection } from './custom.ts'
import { type IniSection, readIni } from './reader.ts'

export const MAX_AMOUNT = 100
/** Upper bound on deckies one INI may describe (the deployment limit never exceeds this). */
export const MAX_DECKIES_PER_INI = 500

export interface GeneralSettings {
  /** Canonical CIDR. */
  subnet?: string
  gateway?: string
  interface?: string
  driver?: NetworkDriver
  mutateIntervalMinutes?: number
  /** The fleet's AD domain (`domain = corp.example.com`); drawn once per fleet when absent. */
  domain?: { netbios: string; dns: string }
}

export type ServiceConfigMap = Partial<Record<ServiceSlug, Record<string, ConfigValue>>>

export interface IniDecky {
  name: string
  /** The section this decky came from (differs from `name` when `amount` > 1). */
  section: string
  line: number
  ip: string | null
  services: ServiceSlug[] | null
  archetype: ArchetypeSlug | null
  distro: DistroSlug | null
  osFamily: OsFamilySlug | null
  mutateIntervalMinutes: number | null
  /** Host name for multi-host placement; null lets the API choose. */
  host: string | null
  serviceConfig: ServiceConfigMap
  /** `[custom-<name>]` services its `services =` list names, resolved once every section is read. */
  customServices: CustomService[]
  /** Its `networks =` list (topology networks, first holds `ip =`); null when absent. */
  networks: string[] | null
  /** The line of `networks =`, for errors the topology rules find. */
  networksLine: number | null
}

export interface FleetIni {
  general: GeneralSettings
  deckies: IniDecky[]
  /** The `[network.*]` sections, validated as a graph; null when the INI declares none (one flat LAN). */
  topology: Topology | null
}

const GENERAL_KEYS = ['net', 'gw', 'interface', 'driver', 'mutate_interval', 'domain'] as const
/** A DNS domain of at least two labels (letters, digits, inner hyphens), as AD requires. */
const DOMAIN_RE = /^(?=.{3,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/
/** Prefixes a company puts before its name in an AD domain (`corp.acme.com` → NetBIOS `ACME`). */
const DOMAIN_PREFIXES = new Set(['corp', 'ad', 'int', 'internal', 'office', 'lan'])
const DECKY_KEYS = [
  'ip',
  'services',
  'archetype',
  'distro',
  'nmap_os',
  'mutate_interval',
  'amount',
  'host',
  'networks',
]
const KEY_ALIASES: Readonly<Record<string, string>> = {
  'nmap-os': 'nmap_os',
  'mutate-interval': 'mutate_interval',
}
const DRIVERS: readonly NetworkDriver[] = NETWORK_DRIVERS
const INTERFACE_RE = /^[A-Za-z0-9_.:-]{1,15}$/

interface Located {
  value: string
  at: IniLocation
}

/** Canonicalises aliases and rejects unknown or empty keys; returns values by canonical key. */
function collectKeys(section: IniSection, allowed: readonly string[], kind: string): Map<string, Located> {
  const out = new Map<string, Located>()
  for (const [rawKey, entry] of section.entries) {
    const key = KEY_ALIASES[rawKey] ?? rawKey
    const at: IniLocation = { line: entry.line, section: section.name, key: rawKey }
    if (!allowed.includes(key))
      throw iniError(at, `unknown key in a ${kind} section (allowed: ${allowed.join(', ')})`)
    const previous = out.get(key)
    if (previous) throw iniError(at, `${key} is already set on line ${previous.at.line}`)
    if (entry.value === '') throw iniError(at, 'value is empty')
    out.set(key, { value: entry.value, at })
  }
  return out
}

function parseIntervalValue(located: Located): number {
  // A bare integer is minutes (what the wizard writes); otherwise "<n><unit>".
  const text = located.value.trim()
  if (/^\d+$/.test(text)) {
    const minutes = Number(text)
    if (minutes < 1) throw iniError(located.at, `must be at least 1 minute, got ${quote(text)}`)
    if (minutes > MAX_INTERVAL_MINUTES)
      throw iniError(located.at, `${text} minutes is longer than the maximum of 10y`)
    return minutes
  }
  return checkIntervalOrThrow(text, located)
}

function checkIntervalOrThrow(text: string, located: Located): number {
  const result = checkInterval(text)
  if (!result.ok) throw iniError(located.at, result.reason)
  return result.minutes
}

function parseDomain(located: Located): { netbios: string; dns: string } {
  const dns = located.value.toLowerCase()
  if (!DOMAIN_RE.test(dns)) {
    throw iniError(located.at, `${quote(located.value)} is not a DNS domain name like corp.example.com`)
  }
  const labels = dns.split('.')
  const name = labels.find((label, i) => i < labels.length - 1 && !DOMAIN_PREFIXES.has(label)) ?? labels[0]
  return { netbios: (name ?? dns).toUpperCase().slice(0, 15), dns }
}

function parseGeneral(section: IniSection): GeneralSettings {
  const keys = collectKeys(section, GENERAL_KEYS, '[general]')
  const general: GeneralSettings = {}
  const net = keys.get('net')
  if (net) {
    const cidr = parseCidr(net.value)
    if (!cidr.ok) throw iniError(net.at, cidr.reason)
    general.subnet = cidr.network.cidr
  }
  const gw = keys.get('gw')
  if (gw) {
    if (parseIpv4(gw.value) === undefined)
      throw iniError(gw.at, `${quote(gw.value)} is not a valid IPv4 address`)
    general.gateway = gw.value
  }
  const iface = keys.get('interface')
  if (iface) {
    if (!INTERFACE_RE.test(iface.value))
      throw iniError(iface.at, `${quote(iface.value)} is not a network interface name`)
    general.interface = iface.value
  }
  const driver = keys.get('driver')
  if (driver) {
    const value = driver.value as NetworkDriver
    if (!DRIVERS.includes(value))
      throw iniError(driver.at, `${quote(driver.value)} is not one of ${DRIVERS.join(', ')}`)
    general.driver = value
  }
  if (general.subnet !== undefined && gw) {
    const resolved = resolveNetwork({ subnet: general.subnet, gateway: gw.value })
    if (!resolved.ok) throw iniError(gw.at, resolved.reason)
  }
  const interval = keys.get('mutate_interval')
  if (interval) general.mutateIntervalMinutes = parseIntervalValue(interval)
  const domain = keys.get('domain')
  if (domain) general.domain = parseDomain(domain)
  return general
}

/** Where a decky's `services =` names custom services, to resolve once their sections are read. */
interface CustomReferences {
  names: string[]
  at: IniLocation
}

/** The catalogue services of a `services =` list; its `custom-*` names go to `customs`. */
function parseServices(located: Located, customs: CustomReferences): ServiceSlug[] {
  const listed = located.value.split(',').map((item) => item.trim())
  if (listed.some((item) => item === ''))
    throw iniError(located.at, `empty item in services list ${quote(located.value)}`)
  customs.names = listed.filter(isCustomServiceName)
  customs.at = located.at
  const dupCustom = customs.names.find((item, index) => customs.names.indexOf(item) !== index)
  if (dupCustom !== undefined) throw iniError(located.at, `service ${quote(dupCustom)} is listed twice`)
  const items = listed.filter((item) => !isCustomServiceName(item))
  if (items.length === 0)
    throw iniError(located.at, 'a decky needs at least one catalogue service besides its custom ones')
  const unknown = items.filter((item) => !isServiceSlug(item))
  if (unknown.length > 0) {
    throw iniError(
      located.at,
      `unknown service(s) ${unknown.slice(0, 5).map(quote).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}; available: ${SERVICE_SLUGS.join(', ')}`,
    )
  }
  const services = items as ServiceSlug[]
  const dup = services.find((item, index) => services.indexOf(item) !== index)
  if (dup !== undefined) throw iniError(located.at, `service ${quote(dup)} is listed twice`)
  const conflict = findPortConflict(services)
  if (conflict) {
    throw iniError(
      located.at,
      `services ${conflict.a} and ${conflict.b} both listen on ${conflict.port.port}/${conflict.port.protocol}`,
    )
  }
  return services
}

function parseAmount(located: Located | undefined): number {
  if (!located) return 1
  const text = located.value.trim()
  if (!/^\d{1,6}$/.test(text) || Number(text) < 1) {
    throw iniError(
      located.at,
      `amount must be a whole number from 1 to ${MAX_AMOUNT}, got ${quote(located.value)}`,
    )
  }
  const amount = Number(text)
  if (amount > MAX_AMOUNT) throw iniError(located.at, `amount=${amount} exceeds the maximum of ${MAX_AMOUNT}`)
  return amount
}

function enumValue<T extends string>(
  located: Located | undefined,
  isValid: (value: string) => value is T,
  what: string,
  available: readonly string[],
): T | null {
  if (!located) return null
  if (!isValid(located.value)) {
    throw iniError(
      located.at,
      `unknown ${what} ${quote(located.value)}; available: ${[...available].sort().join(', ')}`,
    )
  }
  return located.value
}

const padIndex = (index: number): string => String(index).padStart(2, '0')

/** Expands one decky section into 1..amount specs (without persona sub-sections yet). */
function parseDeckySection(section: IniSection, customs: CustomReferences): IniDecky[] {
  const where = { line: section.line, section: section.name }
  if (!DECKY_NAME_RE.test(section.name)) {
    const hint = section.name.includes('.')
      ? ` (${quote(section.name.slice(section.name.lastIndexOf('.') + 1))} is not a known service, and decky names cannot contain '.')`
      : ''
    throw iniError(where, `invalid decky name: names must match ${DECKY_NAME_RE.source}${hint}`)
  }
  const keys = collectKeys(section, DECKY_KEYS, 'decky')
  const amountKey = keys.get('amount')
  const amount = parseAmount(amountKey)
  const ipKey = keys.get('ip')
  if (ipKey && parseIpv4(ipKey.value) === undefined) {
    throw iniError(ipKey.at, `${quote(ipKey.value)} is not a valid IPv4 address`)
  }
  if (ipKey && amount > 1) {
    throw iniError(ipKey.at, `cannot combine ip= with amount=${amount}; remove ip= or use amount=1`)
  }
  const servicesKey = keys.get('services')
  const hostKey = keys.get('host')
  if (hostKey && !DECKY_NAME_RE.test(hostKey.value)) {
    throw iniError(hostKey.at, `${quote(hostKey.value)} is not a valid host name`)
  }
  const intervalKey = keys.get('mutate_interval')
  const networksKey = keys.get('networks')
  const base = {
    section: section.name,
    line: section.line,
    ip: ipKey?.value ?? null,
    services: servicesKey ? parseServices(servicesKey, customs) : null,
    archetype: enumValue(keys.get('archetype'), isArchetypeSlug, 'archetype', ARCHETYPE_SLUGS),
    distro: enumValue(keys.get('distro'), isDistroSlug, 'distro', DISTRO_SLUGS),
    osFamily: enumValue(keys.get('nmap_os'), isOsFamilySlug, 'OS family', OS_FAMILY_SLUGS),
    mutateIntervalMinutes: intervalKey ? parseIntervalValue(intervalKey) : null,
    host: hostKey?.value ?? null,
    networks: networksKey ? parseNetworkList(networksKey.value, networksKey.at) : null,
    networksLine: networksKey?.at.line ?? null,
  }
  checkServiceFamilies(base, { section: where, services: servicesKey, osFamily: keys.get('nmap_os') })
  if (amount === 1) return [{ ...base, name: section.name, serviceConfig: {}, customServices: [] }]
  return Array.from({ length: amount }, (_, i) => {
    const name = `${section.name}-${padIndex(i + 1)}`
    if (!DECKY_NAME_RE.test(name)) {
      throw iniError(
        amountKey?.at ?? where,
        `expanded decky name ${quote(name)} is longer than 63 characters`,
      )
    }
    return {
      ...base,
      services: base.services && [...base.services],
      networks: base.networks && [...base.networks],
      name,
      serviceConfig: {},
      customServices: [],
    }
  })
}

const runsOn = (service: ServiceSlug) => SERVICE_FAMILIES[service].join(', ')

/**
 * A decky's services must be ones its OS family can run (a Linux box answering MSSQL or RDP is a
 * tell): refused here, at the line that asks for them. Services without a family or archetype need
 * one family that runs them all; the planner picks it.
 */
function checkServiceFamilies(
  base: { services: ServiceSlug[] | null; archetype: ArchetypeSlug | null; osFamily: OsFamilySlug | null },
  at: { section: IniLocation; services: Located | undefined; osFamily: Located | undefined },
): void {
  const archetype = base.archetype ? getArchetype(base.archetype) : undefined
  const family = base.osFamily ?? archetype?.osFamily
  const servicesAt = at.services?.at ?? at.section
  if (family) {
    const how = base.osFamily ? `nmap_os = ${family}` : `archetype ${archetype?.slug}, a ${family} machine`
    for (const service of base.services ?? []) {
      if (!serviceFitsFamily(service, family)) {
        throw iniError(
          servicesAt,
          `service ${service} cannot run on this decky (${how}); ${service} runs on: ${runsOn(service)}`,
        )
      }
    }
    if (base.osFamily && archetype && !base.services) {
      const misfit = archetype.services.find((service) => !serviceFitsFamily(service, family))
      if (misfit) {
        throw iniError(
          at.osFamily?.at ?? at.section,
          `archetype ${archetype.slug} runs ${misfit}, which a ${family} decky cannot run (${misfit} runs on: ${runsOn(misfit)})`,
        )
      }
    }
    return
  }
  if (base.services && !familyForServices(base.services)) {
    throw iniError(
      servicesAt,
      `no OS family runs all of ${base.services.join(', ')}: ${base.services.map((service) => `${service} runs on ${runsOn(service)}`).join('; ')}`,
    )
  }
}

/** Services a decky could ever run: its explicit list plus its archetype's pool (mutation). */
function possibleServices(spec: IniDecky): Set<ServiceSlug> | undefined {
  if (!spec.services && !spec.archetype) return undefined
  const archetype = spec.archetype ? getArchetype(spec.archetype) : undefined
  return new Set([...(spec.services ?? []), ...(archetype?.services ?? [])])
}

function coercePersona(section: IniSection, service: ServiceSlug): Record<string, ConfigValue> {
  const definition = getService(service)
  const out: Record<string, ConfigValue> = {}
  if (!definition) return out
  for (const [key, entry] of section.entries) {
    const at = { line: entry.line, section: section.name, key }
    const field = getConfigField(definition, key)
    if (!field) {
      const known = definition.config.map((f) => f.key)
      throw iniError(
        at,
        `service ${service} has no config key ${quote(key)}${known.length ? ` (known: ${known.join(', ')})` : ''}`,
      )
    }
    if (entry.value === '') continue
    const result = coerceField(field, entry.value)
    if (!result.ok) throw iniError(at, `invalid value for service ${service}: ${result.reason}`)
    out[key] = result.value
  }
  return out
}

interface PersonaSection {
  section: IniSection
  target: string
  service: ServiceSlug
}

/**
 * Applies [target.service] sections: an exact decky name wins; otherwise the target must be a
 * decky section expanded with `amount`, and only its own `target-NN` deckies receive the
 * persona (never an unrelated decky that merely shares the prefix). Group personas are applied
 * first so an exact section overrides them key by key, whatever the file order.
 */
function applyPersonas(personas: PersonaSection[], deckies: IniDecky[]): void {
  const byName = new Map(deckies.map((d) => [d.name, d]))
  const bySection = new Map<string, IniDecky[]>()
  for (const decky of deckies) {
    if (decky.name === decky.section) continue
    const group = bySection.get(decky.section) ?? []
    group.push(decky)
    bySection.set(decky.section, group)
  }
  const resolved = personas.map((persona) => {
    const exact = byName.get(persona.target)
    const targets = exact ? [exact] : (bySection.get(persona.target) ?? [])
    const at = { line: persona.section.line, section: persona.section.name }
    if (targets.length === 0) throw iniError(at, `no decky named ${quote(persona.target)} in this INI`)
    for (const decky of targets) {
      const possible = possibleServices(decky)
      if (possible && !possible.has(persona.service)) {
        throw iniError(at, `decky ${quote(decky.name)} does not run ${persona.service}`)
      }
    }
    return {
      persona,
      exact: exact !== undefined,
      targets,
      values: coercePersona(persona.section, persona.service),
    }
  })
  for (const pass of [false, true]) {
    for (const entry of resolved) {
      if (entry.exact !== pass) continue
      for (const decky of entry.targets) {
        decky.serviceConfig[entry.persona.service] = {
          ...decky.serviceConfig[entry.persona.service],
          ...entry.values,
        }
      }
    }
  }
  // Settings that must hold together are judged once group and exact sections are merged.
  for (const decky of deckies) {
    for (const [service, values] of Object.entries(decky.serviceConfig)) {
      const problem = serviceConfigProblem(service, values)
      if (!problem) continue
      // Blame the line that set the key (an exact section's wins over a group's), else the section.
      const setting = resolved
        .filter((entry) => entry.persona.service === service && entry.targets.includes(decky))
        .sort((a, b) => Number(b.exact) - Number(a.exact))
      const section = (setting.find((entry) => entry.persona.section.entries.has(problem.key)) ?? setting[0])
        ?.persona.section
      const line = section?.entries.get(problem.key)?.line
      const at =
        section && line !== undefined
          ? { line, section: section.name, key: problem.key }
          : { line: section?.line ?? decky.line, section: section?.name ?? decky.section }
      throw iniError(at, `invalid value for service ${service}: ${problem.reason}`)
    }
  }
}

function checkUniqueness(deckies: IniDecky[]): void {
  const names = new Map<string, IniDecky>()
  const ips = new Map<string, IniDecky>()
  for (const decky of deckies) {
    const other = names.get(decky.name)
    if (other) {
      throw new DecnetError(
        'conflict',
        `line ${decky.line}, [${decky.section}]: decky name ${quote(decky.name)} is already produced by [${other.section}] on line ${other.line}`,
        { line: decky.line, section: decky.section },
      )
    }
    names.set(decky.name, decky)
    if (decky.ip === null) continue
    const holder = ips.get(decky.ip)
    if (holder) {
      throw new DecnetError(
        'conflict',
        `line ${decky.line}, [${decky.section}] ip: IP ${decky.ip} is already assigned to decky ${quote(holder.name)}`,
        { line: decky.line, section: decky.section, key: 'ip' },
      )
    }
    ips.set(decky.ip, decky)
  }
}

/** Every explicit ip= must be a usable host address of the network (not gateway, host, …). */
export function checkExplicitIps(deckies: readonly IniDecky[], net: ResolvedNetwork): void {
  for (const decky of deckies) {
    if (decky.ip === null) continue
    const problem = explicitIpProblem(net, decky.ip)
    if (problem) throw iniError({ line: decky.line, section: decky.section, key: 'ip' }, problem)
  }
}

/**
 * Gives each decky the custom services its list names: each must have its section, and no port may
 * be claimed twice on the decky (by a catalogue service or another custom one).
 */
function resolveCustomServices(
  references: ReadonlyArray<{ deckies: IniDecky[]; customs: CustomReferences }>,
  defined: ReadonlyMap<string, CustomService>,
): void {
  for (const { deckies, customs } of references) {
    if (customs.names.length === 0) continue
    const services = customs.names.map((name) => {
      const service = defined.get(name)
      if (!service) throw iniError(customs.at, `no [${name}] section in this INI`)
      return service
    })
    for (const decky of deckies) {
      decky.customServices = services
      checkCustomPorts(decky, customs.at)
    }
  }
}

/** Refuses a custom service whose port another service of the decky already listens on. */
export function checkCustomPorts(
  decky: { services: readonly ServiceSlug[] | null; customServices: readonly CustomService[] },
  at: IniLocation,
): void {
  const catalogue = (decky.services ?? []).map((slug) => ({
    name: slug,
    ports: getService(slug)?.ports ?? [],
  }))
  const clash = findPortClash<string>([...catalogue, ...decky.customServices])
  if (clash) {
    throw iniError(
      at,
      `services ${clash.a} and ${clash.b} both listen on ${clash.port.port}/${clash.port.protocol}`,
    )
  }
}

/** Parses and validates a fleet INI. Throws DecnetError (invalid_ini or conflict) only. */
export function parseFleetIni(text: string): FleetIni {
  const sections = readIni(text)
  let general: GeneralSettings = {}
  const deckies: IniDecky[] = []
  const personas: PersonaSection[] = []
  const customs = new Map<string, CustomService>()
  const references: Array<{ deckies: IniDecky[]; customs: CustomReferences }> = []
  const networks: IniNetwork[] = []

  for (const section of sections) {
    if (section.name === 'general') {
      general = parseGeneral(section)
      continue
    }
    const networkName = networkSectionName(section.name)
    // `[network.ssh]` stays the ssh persona of a decky named `network`, as before topologies.
    if (networkName !== undefined && !isServiceSlug(networkName)) {
      const keys = collectKeys(section, NETWORK_KEYS, 'network')
      networks.push(parseNetworkSection(section, networkName, networks.length, keys))
      continue
    }
    if (section.name.toUpperCase() === 'DEFAULT') {
      throw iniError({ line: section.line, section: section.name }, '[DEFAULT] sections are not supported')
    }
    const dot = section.name.lastIndexOf('.')
    const service = dot === -1 ? '' : section.name.slice(dot + 1)
    if (dot !== -1 && isServiceSlug(service)) {
      personas.push({ section, target: section.name.slice(0, dot), service })
      continue
    }
    if (section.name.startsWith('custom-')) {
      customs.set(section.name, parseCustomSection(section))
      continue
    }
    const referenced: CustomReferences = { names: [], at: { line: section.line, section: section.name } }
    const expanded = parseDeckySection(section, referenced)
    references.push({ deckies: expanded, customs: referenced })
    for (const decky of expanded) {
      if (deckies.length >= MAX_DECKIES_PER_INI) {
        throw iniError(
          { line: section.line, section: section.name },
          `the INI describes more than ${MAX_DECKIES_PER_INI} deckies`,
        )
      }
      deckies.push(decky)
    }
  }

  if (deckies.length === 0) throw new DecnetError('invalid_ini', 'INI contains no decky sections')
  checkUniqueness(deckies)
  resolveCustomServices(references, customs)
  if (general.subnet !== undefined && general.gateway !== undefined) {
    const resolved = resolveNetwork({ subnet: general.subnet, gateway: general.gateway })
    if (resolved.ok) checkExplicitIps(deckies, resolved.network)
  }
  applyPersonas(personas, deckies)
  return { general, deckies, topology: readTopology(general, networks, deckies) }
}

/** The topology of the INI's network sections, or null (and no decky may name a network) without any. */
function readTopology(
  general: GeneralSettings,
  networks: IniNetwork[],
  deckies: IniDecky[],
): Topology | null {
  if (networks.length === 0) {
    const member = deckies.find((decky) => decky.networks !== null)
    if (member?.networks) {
      throw iniError(
        { line: member.networksLine ?? member.line, section: member.section, key: 'networks' },
        `no [network.${member.networks[0]}] section declares network ${quote(member.networks[0] ?? '')}`,
      )
    }
    return null
  }
  const placed = deckies.find((decky) => decky.host !== null)
  if (placed) {
    throw iniError(
      { line: placed.line, section: placed.section },
      'a topology runs on one engine (its networks are local to it); remove host =',
    )
  }
  if (general.subnet !== undefined) {
    const lan = overlappingNetwork(general.subnet, networks)
    if (lan) {
      throw iniError(
        lan.at.subnet,
        `subnet ${lan.subnet} overlaps the fleet LAN [general] net = ${general.subnet}`,
      )
    }
  }
  return checkTopology(networks, deckies)
}
