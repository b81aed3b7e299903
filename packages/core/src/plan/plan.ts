// Deploy planning: existing fleet + network + parsed INI → what to create, keep and remove.
// Pure: randomness is injected, nothing is written. The API commits the plan; the runner applies it.
import { type ArchetypeSlug, getArchetype } from '../catalog/archetypes.ts'
import { DISTRO_SLUGS, type DistroSlug, isDistroSlug } from '../catalog/distros.ts'
import type { OsFamilySlug } from '../catalog/os-families.ts'
import { familyForServices, type ServiceSlug } from '../catalog/services.ts'
import { DecnetError, describeLocation, quote } from '../errors.ts'
import { checkExplicitIps, type FleetIni, type IniDecky, type ServiceConfigMap } from '../ini/fleet.ts'
import { drawServices, servicePool } from '../mutation/pick.ts'
import {
  explicitIpProblem,
  freeAddresses,
  type NetworkContext,
  type ResolvedNetwork,
  resolveNetwork,
} from '../net/allocate.ts'
import { formatIpv4 } from '../net/ipv4.ts'
import { deriveFleetDomain, derivePersona, personaForLegacyDecky } from '../persona/derive.ts'
import { type RandomSource, randomHex128 } from '../random.ts'
import type { CustomService } from '../schemas/custom-service.ts'
import type { DeckyTopology } from '../schemas/decky-topology.ts'
import type { NetworkDriver } from '../schemas/hosts.ts'
import { LOCAL_HOST_ID } from '../schemas/hosts.ts'
import type { Persona, PersonaDomain } from '../schemas/persona.ts'
import { overlappingNetwork } from '../topology/graph.ts'
import { deckyTopologies, type PlannedTopology, planTopologyLinks } from '../topology/links.ts'
import { LOCAL_PLAN_HOST, Placement, type PlanHost } from './placement.ts'

/** The fields of an existing decky the planner reads; callers pass their full rows. */
export interface ExistingDecky {
  name: string
  ip: string
  hostname: string
  mac?: string
  distro: string
  archetype?: string | null
  /** Null on rows from before personas. */
  persona?: Persona | null
  services: readonly string[]
  /** Compared only, never trusted as typed values (rows may come straight from JSON columns). */
  serviceConfig: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  /** Rows from before custom services have none. */
  customServices?: readonly CustomService[]
  /** Its topology networks; null or absent on the flat LAN. */
  topology?: DeckyTopology | null
  osFamily: string
  mutateIntervalMinutes?: number | null
  /** The host it runs on; the local host when absent. */
  hostId?: string
  /** `pending_removal`: its containers may still live on an unreachable host; name and IP stay taken. */
  state?: string
}

export interface PlannedDecky {
  name: string
  ip: string
  mac: string
  hostname: string
  distro: DistroSlug
  archetype: ArchetypeSlug | null
  services: ServiceSlug[]
  serviceConfig: ServiceConfigMap
  customServices: CustomService[]
  osFamily: OsFamilySlug
  mutateIntervalMinutes: number | null
  /** The host it is placed on (INI `host =`, where it already runs, or the one with most free capacity). */
  hostId: string
  /** That host's name. */
  host: string
  /** True when this replaces an existing decky of the same name (replace mode redeploy). */
  replaces: boolean
  /** What the decky claims to be; its `hostname` and `mac` are the persona's. */
  persona: Persona
  /** Its networks, way out and neighbours when the INI declares a topology; null on the flat LAN. */
  topology: DeckyTopology | null
}

export interface PlannedNetwork {
  subnet: string
  gateway: string
  hostIp: string | null
  driver: NetworkDriver | null
  interface: string | null
}

export interface DeployPlan<T extends ExistingDecky> {
  network: PlannedNetwork
  /** The INI's topology networks and each of its deckies' links; null for a flat LAN. */
  topology: PlannedTopology | null
  create: PlannedDecky[]
  keep: T[]
  remove: T[]
}

export interface PlanInput<T extends ExistingDecky> {
  existing: readonly T[]
  /** The fleet network: the local host's decky network. */
  network: NetworkContext
  /** Active hosts deckies may be placed on, in preference order for ties; the local host alone by default. */
  hosts?: readonly PlanHost[]
  ini: FleetIni
  replaceFleet: boolean
  random: RandomSource
  /** When set, a resulting fleet larger than this is a `limit_exceeded` error. */
  deploymentLimit?: number
  /** Epoch ms of the deploy (new personas booted before it); a fixed past date when absent. */
  now?: number
}

export type PlanResult<T extends ExistingDecky> =
  | { ok: true; plan: DeployPlan<T> }
  | { ok: false; error: DecnetError }

/** INI [general] net/gw override the context; a different net may not mix with deckies that stay. */
function effectiveNetwork(ini: FleetIni, context: NetworkContext, staying: number): ResolvedNetwork {
  const contextNet = resolveNetwork(context)
  if (!contextNet.ok) throw new DecnetError('invalid_input', `fleet network is invalid: ${contextNet.reason}`)
  const { subnet, gateway } = ini.general
  if (subnet === undefined && gateway === undefined) return contextNet.network
  const wanted: NetworkContext = {
    subnet: subnet ?? contextNet.network.network.cidr,
    gateway: gateway ?? context.gateway,
    hostIp: context.hostIp ?? null,
  }
  const resolved = resolveNetwork(wanted)
  if (!resolved.ok) {
    throw new DecnetError('invalid_ini', `[general]: ${resolved.reason}`, { section: 'general' })
  }
  const changed =
    resolved.network.network.cidr !== contextNet.network.network.cidr ||
    resolved.network.gateway !== contextNet.network.gateway
  if (changed && staying > 0) {
    throw new DecnetError(
      'conflict',
      `[general] net/gw (${wanted.subnet} via ${wanted.gateway}) differ from the fleet network (${context.subnet} via ${context.gateway}); submit with replaceFleet=true to move the fleet`,
      { section: 'general' },
    )
  }
  return resolved.network
}

function hostNetwork(host: PlanHost & { network: NetworkContext }): ResolvedNetwork {
  const resolved = resolveNetwork(host.network)
  if (!resolved.ok) {
    throw new DecnetError(
      'invalid_input',
      `network of host ${quote(host.name)} is invalid: ${resolved.reason}`,
    )
  }
  return resolved.network
}

function sameServiceConfig(a: ServiceConfigMap, b: ExistingDecky['serviceConfig']): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
      .map(([k, v]) => [k, sortKeys(v)]),
  )
}

function isUnchanged(planned: PlannedDecky, existing: ExistingDecky): boolean {
  return (
    planned.ip === existing.ip &&
    planned.hostId === hostOf(existing) &&
    planned.distro === existing.distro &&
    planned.archetype === (existing.archetype ?? null) &&
    planned.osFamily === existing.osFamily &&
    planned.mutateIntervalMinutes === (existing.mutateIntervalMinutes ?? null) &&
    planned.services.length === existing.services.length &&
    planned.services.every((s) => existing.services.includes(s)) &&
    sameServiceConfig(planned.serviceConfig, existing.serviceConfig) &&
    JSON.stringify(sortKeys(planned.customServices)) ===
      JSON.stringify(sortKeys(existing.customServices ?? [])) &&
    JSON.stringify(sortKeys(planned.topology)) === JSON.stringify(sortKeys(existing.topology ?? null))
  )
}

interface Resolver {
  net: ResolvedNetwork
  random: RandomSource
  general: FleetIni['general']
  nextIp: (name: string) => string
  /** The fleet's one AD domain. */
  domain: PersonaDomain
  /** Host names already carried by deckies that stay or were planned (lower case). */
  hostnames: Set<string>
  now: number | undefined
}

/**
 * The fleet's AD domain: the INI's `[general] domain`, else the one the fleet's personas already
 * share, else a new one drawn once for the whole fleet.
 */
function fleetDomain(ini: FleetIni, existing: readonly ExistingDecky[], random: RandomSource): PersonaDomain {
  if (ini.general.domain) return { ...ini.general.domain, joined: true }
  const known = existing.find((decky) => decky.persona?.domain)?.persona?.domain
  if (known) return { ...known, joined: true }
  return deriveFleetDomain(randomHex128(random))
}

/**
 * The persona of a planned decky. A surviving decky keeps its persona when its family, distro and
 * archetype are unchanged (a row from before personas gets the one its first deploy would store);
 * otherwise a new one is drawn, keeping the host name when the family stays.
 */
function resolvePersona(
  spec: IniDecky,
  previous: ExistingDecky | undefined,
  planned: { osFamily: OsFamilySlug; distro: DistroSlug; services: readonly ServiceSlug[] },
  r: Resolver,
): Persona {
  const same =
    previous !== undefined &&
    previous.osFamily === planned.osFamily &&
    previous.distro === planned.distro &&
    (previous.archetype ?? null) === spec.archetype
  if (previous && same) {
    if (previous.persona) return previous.persona
    return personaForLegacyDecky(previous, r.domain)
  }
  const keepHostname = previous !== undefined && previous.osFamily === planned.osFamily
  return derivePersona({
    seed: randomHex128(r.random),
    osFamily: planned.osFamily,
    distro: planned.distro,
    archetype: spec.archetype,
    services: planned.services,
    domain: r.domain,
    ...(keepHostname ? { hostname: previous.hostname } : {}),
    avoidHostnames: [...r.hostnames],
    ...(r.now !== undefined ? { nowMs: r.now } : {}),
  })
}

const hostOf = (decky: ExistingDecky) => decky.hostId ?? LOCAL_HOST_ID

function resolveServices(spec: IniDecky, previous: ExistingDecky | undefined, r: Resolver): ServiceSlug[] {
  if (spec.services) return spec.services
  // Replace mode keeps a surviving decky's (possibly mutated) services unless its archetype changed.
  const pool = servicePool(spec.archetype, spec.osFamily ?? getArchetype(spec.archetype ?? '')?.osFamily)
  if (previous && (previous.archetype ?? null) === spec.archetype) {
    const kept = previous.services.filter((s): s is ServiceSlug => (pool as readonly string[]).includes(s))
    if (kept.length === previous.services.length && kept.length > 0) return kept
  }
  if (spec.archetype) return [...pool]
  return drawServices(pool, r.random)
}

function resolveDecky(
  spec: IniDecky,
  index: number,
  previous: ExistingDecky | undefined,
  host: PlanHost,
  r: Resolver,
): PlannedDecky {
  const archetype = spec.archetype ? getArchetype(spec.archetype) : undefined
  const distroPool: readonly DistroSlug[] = archetype?.preferredDistros ?? DISTRO_SLUGS
  const rotated = distroPool[index % distroPool.length] as DistroSlug
  const inherited = previous && isDistroSlug(previous.distro) ? previous.distro : undefined
  const distro = spec.distro ?? inherited ?? rotated
  const services = resolveServices(spec, previous, r)
  // Services without a family or archetype: the first family that runs them all (the INI refused
  // a list no family runs).
  const osFamily = spec.osFamily ?? archetype?.osFamily ?? familyForServices(services) ?? 'linux'
  const reusableIp = previous && explicitIpProblem(r.net, previous.ip) === undefined ? previous.ip : undefined
  const ip = spec.ip ?? reusableIp ?? r.nextIp(spec.name)
  const persona = resolvePersona(spec, previous, { osFamily, distro, services }, r)
  r.hostnames.add(persona.hostname.toLowerCase())
  return {
    name: spec.name,
    ip,
    mac: persona.mac,
    hostname: persona.hostname,
    distro,
    archetype: spec.archetype,
    services,
    serviceConfig: spec.serviceConfig,
    customServices: spec.customServices,
    osFamily,
    mutateIntervalMinutes: spec.mutateIntervalMinutes ?? r.general.mutateIntervalMinutes ?? null,
    hostId: host.id,
    host: host.name,
    replaces: previous !== undefined,
    persona,
    topology: null,
  }
}

function buildPlan<T extends ExistingDecky>(input: PlanInput<T>): DeployPlan<T> {
  const { ini, existing, replaceFleet } = input
  const existingByName = new Map(existing.map((d) => [d.name, d]))
  const iniNames = new Set(ini.deckies.map((d) => d.name))

  for (const spec of ini.deckies) {
    const previous = existingByName.get(spec.name)
    if (previous?.state === 'pending_removal') {
      throw new DecnetError(
        'conflict',
        `decky ${quote(spec.name)} is still being removed (its host does not answer; its containers may still run there): its name and IP stay taken until the host answers`,
        { line: spec.line, section: spec.section },
      )
    }
  }
  if (!replaceFleet) {
    for (const spec of ini.deckies) {
      if (existingByName.has(spec.name)) {
        throw new DecnetError(
          'conflict',
          `decky ${quote(spec.name)} already exists; submit with replaceFleet=true to replace the fleet`,
          { line: spec.line, section: spec.section },
        )
      }
    }
  }
  const survivors = replaceFleet ? existing.filter((d) => iniNames.has(d.name)) : [...existing]
  // Only an additive deploy must stay on the fleet's network; replace mode may move everything.
  const localStaying = replaceFleet ? 0 : existing.filter((d) => hostOf(d) === LOCAL_HOST_ID).length
  const fleetNet = effectiveNetwork(ini, input.network, localStaying)

  // Placement first: IPs are allocated per host network.
  const placement = new Placement(
    input.hosts ?? [LOCAL_PLAN_HOST],
    (replaceFleet ? [] : existing).map(hostOf),
  )
  // A decky with an explicit IP and no host goes to a host whose network holds that IP.
  const networkOf = (host: PlanHost) =>
    host.network ? hostNetwork({ ...host, network: host.network }) : fleetNet
  const holds = (ip: string) => (host: PlanHost) => explicitIpProblem(networkOf(host), ip) === undefined
  checkTopologyAgainstLans(ini, (input.hosts ?? [LOCAL_PLAN_HOST]).map(networkOf))
  checkTopologyAgainstFleet(ini, replaceFleet ? [] : existing)
  const placed = ini.deckies.map((spec) => {
    const previous = replaceFleet ? existingByName.get(spec.name) : undefined
    const host = placement.place({
      decky: spec.name,
      // A topology's networks are local to one engine: the local one.
      hostName: ini.topology ? LOCAL_HOST_ID : spec.host,
      currentHostId: previous ? hostOf(previous) : undefined,
      at: { line: spec.line, section: spec.section },
      ...(spec.ip !== null ? { fits: holds(spec.ip) } : {}),
    })
    return { spec, previous, host }
  })

  // Addresses are unique fleet-wide: hosts may share one LAN (macvlan/ipvlan on the same segment), and an
  // address outside a host's subnet can never be handed out there anyway, so one set serves every pool.
  // Explicit IPs may not take an address a surviving decky of another name holds, nor an engine's own.
  const ipHolder = new Map(survivors.map((d) => [d.ip, d.name]))
  // Engines' own addresses (an engine's own host refuses its address with the network checks below).
  const engineIps = new Map<string, PlanHost>()
  for (const host of input.hosts ?? [LOCAL_PLAN_HOST]) {
    const hostIp = networkOf(host).hostIp
    if (hostIp !== undefined) engineIps.set(formatIpv4(hostIp), host)
  }
  for (const { spec, host } of placed) {
    if (spec.ip === null) continue
    const holder = ipHolder.get(spec.ip)
    const engine = engineIps.get(spec.ip)
    const taken =
      holder !== undefined && holder !== spec.name
        ? `decky ${quote(holder)}`
        : engine && engine.id !== host.id
          ? `the engine of host ${quote(engine.name)}`
          : undefined
    if (taken) {
      throw new DecnetError('conflict', `IP ${spec.ip} is already in use by ${taken}`, {
        line: spec.line,
        section: spec.section,
        key: 'ip',
      })
    }
  }

  // Auto IPs skip every explicit INI IP and every IP the fleet holds (including deckies being removed:
  // their containers may still own the address while teardown runs), and each one handed out.
  const reserved = new Set<string>(existing.map((d) => d.ip))
  for (const { spec } of placed) if (spec.ip !== null) reserved.add(spec.ip)
  // Every engine's own address too: on a shared LAN, one host's address is taken for all of them.
  for (const ip of engineIps.keys()) reserved.add(ip)

  const domain = fleetDomain(ini, existing, input.random)
  // Host names stay unique in the fleet: a survivor of another name keeps its own.
  const hostnames = new Set(
    survivors.filter((d) => !iniNames.has(d.name) || !replaceFleet).map((d) => d.hostname.toLowerCase()),
  )

  // One resolver per host network (or topology network): the network and an auto-IP pool over it.
  const resolvers = new Map<string, Resolver>()
  const resolverFor = (
    key: string,
    net: ResolvedNetwork,
    where: string,
    specs: readonly IniDecky[],
  ): Resolver => {
    const known = resolvers.get(key)
    if (known) return known
    checkExplicitIps(specs, net)
    const pool = freeAddresses(net, reserved)
    const resolver: Resolver = {
      net,
      random: input.random,
      general: ini.general,
      domain,
      hostnames,
      now: input.now,
      nextIp: (name) => {
        const next = pool.next()
        if (next.done) {
          throw new DecnetError(
            'conflict',
            `not enough free IPs in ${net.network.cidr} while assigning an IP to ${quote(name)} ${where}`,
          )
        }
        reserved.add(next.value)
        return next.value
      },
    }
    resolvers.set(key, resolver)
    return resolver
  }
  const hostResolver = (host: PlanHost) =>
    resolverFor(
      `host:${host.id}`,
      networkOf(host),
      `on host ${quote(host.name)}`,
      placed.filter((entry) => entry.host.id === host.id).map((entry) => entry.spec),
    )
  const attachments = ini.topology?.attachments ?? {}
  const topologyNets = new Map(
    (ini.topology?.networks ?? []).map((network) => [network.name, topologyNetwork(network)]),
  )
  const networkResolver = (name: string) =>
    resolverFor(
      `network:${name}`,
      topologyNets.get(name) as ResolvedNetwork,
      `on network ${quote(name)}`,
      ini.deckies.filter((spec) => attachments[spec.name]?.[0] === name),
    )
  // A topology decky's primary address is on its first network.
  const resolverOf = (spec: IniDecky, host: PlanHost) => {
    const first = attachments[spec.name]?.[0]
    return first === undefined ? hostResolver(host) : networkResolver(first)
  }

  const staying: T[] = replaceFleet ? [] : [...existing]
  const resolved = placed.map(({ spec, previous, host }, index) => ({
    planned: resolveDecky(spec, index, previous, host, resolverOf(spec, host)),
    previous,
  }))
  const fleet = [...staying, ...resolved.map(({ planned }) => planned)]
  const topology =
    ini.topology &&
    planTopologyLinks(ini.topology, new Map(fleet.map((decky) => [decky.name, decky.ip])), (decky, network) =>
      networkResolver(network).nextIp(decky),
    )
  if (topology) {
    const views = deckyTopologies(topology, new Map(fleet.map((decky) => [decky.name, decky.hostname])))
    for (const { planned } of resolved) planned.topology = views.get(planned.name) ?? null
  }
  // Judged with its topology: a decky whose networks, way out or neighbours changed is redeployed.
  const create: PlannedDecky[] = []
  const keep: T[] = staying
  for (const { planned, previous } of resolved) {
    if (previous && isUnchanged(planned, previous)) keep.push(previous)
    else create.push(planned)
  }
  const remove = replaceFleet ? existing.filter((d) => !iniNames.has(d.name)) : []

  const total = keep.length + create.length
  if (input.deploymentLimit !== undefined && total > input.deploymentLimit) {
    throw new DecnetError(
      'limit_exceeded',
      `deployment would result in ${total} deckies, exceeding the configured limit of ${input.deploymentLimit}`,
    )
  }
  return {
    network: {
      subnet: fleetNet.network.cidr,
      gateway: formatIpv4(fleetNet.gateway),
      hostIp: fleetNet.hostIp === undefined ? null : formatIpv4(fleetNet.hostIp),
      driver: ini.general.driver ?? null,
      interface: ini.general.interface ?? null,
    },
    topology,
    create,
    keep,
    remove,
  }
}

/** A topology network as the allocator sees it (no engine address: the engine reaches it only by exec). */
function topologyNetwork(network: { subnet: string; gateway: string }): ResolvedNetwork {
  const resolved = resolveNetwork(network)
  if (!resolved.ok) throw new Error(`topology network ${network.subnet} was validated before`)
  return resolved.network
}

/** A topology network sharing addresses with a host's decky LAN would make both unroutable. */
function checkTopologyAgainstLans(ini: FleetIni, lans: readonly ResolvedNetwork[]): void {
  const cidrs = lans.map((lan) => ({ subnet: lan.network.cidr }))
  for (const network of ini.topology?.networks ?? []) {
    const lan = overlappingNetwork(network.subnet, cidrs)
    if (lan) {
      const at = { line: network.line, section: `network.${network.name}`, key: 'subnet' }
      throw new DecnetError(
        'conflict',
        `${describeLocation(at)}: ${network.subnet} overlaps the fleet's decky LAN ${lan.subnet}`,
        at,
      )
    }
  }
}

/**
 * An additive topology may not take over a network that deckies of an earlier deploy sit on (by name,
 * or by sharing its addresses): their neighbours and routes were planned without it.
 */
function checkTopologyAgainstFleet(ini: FleetIni, staying: readonly ExistingDecky[]): void {
  const taken = staying.flatMap((decky) =>
    (decky.topology?.links ?? []).map((link) => ({
      decky: decky.name,
      network: link.network,
      subnet: link.subnet,
    })),
  )
  for (const network of ini.topology?.networks ?? []) {
    const at = { line: network.line, section: `network.${network.name}` }
    const sameName = taken.find((link) => link.network === network.name)
    const overlap = sameName ?? overlappingNetwork(network.subnet, taken)
    if (!overlap) continue
    const why =
      overlap === sameName
        ? `network ${quote(network.name)} already exists`
        : `${network.subnet} overlaps network ${quote(overlap.network)} (${overlap.subnet})`
    throw new DecnetError(
      'conflict',
      `${describeLocation(at)}: ${why}, which decky ${quote(overlap.decky)} sits on; deploy a topology's deckies in one INI (replaceFleet=true to change it)`,
      at,
    )
  }
}

/**
 * Plans a deploy. Additive (default): the INI's deckies join the fleet; any name or IP clash
 * with it is a `conflict`. Replace: the INI is the whole fleet; absent deckies go to `remove`,
 * unchanged ones to `keep`, changed ones are redeployed (in `create` with `replaces: true`).
 */
export function planDeploy<T extends ExistingDecky>(input: PlanInput<T>): PlanResult<T> {
  try {
    return { ok: true, plan: buildPlan(input) }
  } catch (error) {
    if (error instanceof DecnetError) return { ok: false, error }
    throw error
  }
}
