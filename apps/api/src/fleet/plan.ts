import {
  DecnetError,
  type DeployPlan,
  drawPlanSeed,
  type EngineKind,
  type ExistingDecky,
  type FleetIni,
  type IniLocation,
  iniError,
  LOCAL_HOST_ID,
  type PlanHost,
  parseFleetIni,
  planDeploy,
  planRandom,
  quote,
  type ServiceConfig,
  ZHostNetwork,
} from '@decnet/core'

import type { Decky } from '@decnet/db'
import type { ApiServices } from '../context.ts'
import { localDeckyCapacity } from '../hosts/capacity.ts'
import { cryptoRandom } from '../random.ts'
import { createSerialQueue } from '../serial.ts'
import { type FleetNetwork, readFleetNetwork } from '../settings/network.ts'
import { readSettings } from '../settings/settings.ts'
import { planDrawSeed } from './plan-seed-key.ts'

/** Recorded states of a decky that a redeploy of it repairs instead of keeping or refusing. */
export const NEEDS_REPAIR = new Set(['failed', 'missing', 'degraded'])

export type FleetPlan = {
  plan: DeployPlan<ExistingDecky>
  /**
   * Additive deploys only: deckies of the INI that already exist and are broken. They are not planned
   * (an additive deploy would refuse their names) but repaired from their recorded spec.
   */
  repair: Decky[]
  network: FleetNetwork
  /** How many hosts were active to place deckies on (the local one included). */
  activeHosts: number
  /** The seed every draw of the plan came from (the one asked for, or a fresh one). */
  seed: string
  /** The fleet it was planned against (planner's view). */
  existing: ExistingDecky[]
}

/** Planning + committing is serialised in this process so concurrent auto-allocations never pick the same IP. */
export const serialiseFleetChanges = createSerialQueue()

type ConfigValue = ServiceConfig[string][string]

/** A stored persona value the catalogue's types allow (JSON columns are read as unknown). */
export function isConfigValue(value: unknown): value is ConfigValue {
  if (Array.isArray(value)) return value.every((item) => typeof item === 'string')
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
}

/** A stored decky as the planner reads it (service config values narrowed to what the catalogue allows). */
export function toExistingDecky(decky: Decky): ExistingDecky {
  const serviceConfig: ServiceConfig = {}
  for (const [slug, values] of Object.entries(decky.serviceConfig)) {
    serviceConfig[slug] = Object.fromEntries(
      Object.entries(values).filter((entry): entry is [string, ConfigValue] => isConfigValue(entry[1])),
    )
  }
  return { ...decky, serviceConfig, mutateIntervalMinutes: decky.mutateInterval }
}

/**
 * The in-process local engine runs no images: a decky of the local host with custom services is
 * refused up front rather than failing in the runner.
 */
export function assertEngineRunsCustomServices(
  localEngine: EngineKind,
  decky: { name: string; hostId: string; customServices: readonly { name: string }[] },
  at?: IniLocation,
): void {
  if (localEngine !== 'local' || decky.hostId !== LOCAL_HOST_ID || decky.customServices.length === 0) return
  const names = decky.customServices.map((service) => service.name).join(', ')
  const reason = `decky ${quote(decky.name)}: custom services (${names}) need the Docker engine; the local engine runs no images`
  throw at ? iniError(at, reason) : new DecnetError('invalid_input', reason)
}

/** The engine's IPv4 address (reserved when it lies in its own decky subnet), or null for a name. */
function engineAddress(dockerUrl: string): string | null {
  const hostname = new URL(dockerUrl.replace(/^tcp:/, 'https:')).hostname
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) ? hostname : null
}

/**
 * The hosts a deploy may place deckies on: the local one, then every enrolled host that answers. A
 * local engine that does not answer takes no automatic placements while another host does (a decky
 * naming it, or already on it, still goes there). An INI naming a host that exists but cannot take
 * deckies gets a specific error here.
 */
export async function placementHosts(
  db: ApiServices['db'],
  ini: FleetIni,
  localEngineUp: boolean,
  /** False without DECNET_SECRET_KEY: nothing can open their TLS material, so nothing reaches them. */
  enrolledDriven = true,
): Promise<PlanHost[]> {
  const enrolled = enrolledDriven ? await db.hosts.list() : []
  for (const decky of ini.deckies) {
    if (decky.host === null || decky.host === LOCAL_HOST_ID) continue
    const host = enrolled.find((candidate) => candidate.name === decky.host)
    if (!host) {
      const why = enrolledDriven ? '' : ' that can be driven (DECNET_SECRET_KEY is not set)'
      throw new DecnetError('not_found', `no enrolled host named ${quote(decky.host)}${why}`, {
        line: decky.line,
        section: decky.section,
        key: 'host',
      })
    }
    if (host.status !== 'active') {
      throw new DecnetError(
        'conflict',
        `host ${quote(host.name)} is ${host.status}; it cannot take deckies now`,
        {
          line: decky.line,
          section: decky.section,
          key: 'host',
        },
      )
    }
  }
  return [
    { id: LOCAL_HOST_ID, name: LOCAL_HOST_ID, capacity: localDeckyCapacity(), automatic: localEngineUp },
    ...enrolled
      .filter((host) => host.status === 'active')
      .map((host) => ({
        id: host.id,
        name: host.name,
        capacity: host.capacity ?? localDeckyCapacity(),
        network: { ...ZHostNetwork.parse(host.network), hostIp: engineAddress(host.dockerUrl) },
      })),
  ]
}

/**
 * Parses the INI and plans it against the committed fleet, every draw from `seed` (a fresh one when
 * absent): the same INI, seed and fleet give the same plan. Throws DecnetError only.
 */
export async function planFleet(
  services: ApiServices,
  ini: string,
  replaceFleet: boolean,
  seed: string = drawPlanSeed(cryptoRandom),
): Promise<FleetPlan> {
  const parsed = parseFleetIni(ini)
  const { db, defaultNetwork } = services
  const [deckies, settings, network, hosts, drawSeed] = await Promise.all([
    db.fleet.list(),
    readSettings(db),
    readFleetNetwork(db, defaultNetwork),
    placementHosts(db, parsed, services.localEngine().up, services.secrets !== undefined),
    planDrawSeed(db, seed),
  ])
  const existing = deckies.map(toExistingDecky)
  const iniNames = new Set(parsed.deckies.map((decky) => decky.name))
  const repair = replaceFleet
    ? []
    : deckies.filter((decky) => iniNames.has(decky.name) && NEEDS_REPAIR.has(decky.state))
  const repairing = new Set(repair.map((decky) => decky.name))
  const result = planDeploy({
    existing,
    network: { subnet: network.subnet, gateway: network.gateway },
    hosts,
    ini: { ...parsed, deckies: parsed.deckies.filter((decky) => !repairing.has(decky.name)) },
    replaceFleet,
    random: planRandom(drawSeed),
    deploymentLimit: settings.deploymentLimit,
    now: Date.now(),
  })
  if (!result.ok) throw result.error
  // Topology networks are Docker networks; the in-process local engine has only the host's loopback.
  if (result.plan.topology && services.engine === 'local') {
    throw new DecnetError(
      'invalid_input',
      'topology networks ([network.*] sections) need the Docker engine; the local engine has no networks of its own',
    )
  }
  // The engine builds topology networks as bridges; a macvlan/ipvlan one would be silently something else.
  const unbuilt = result.plan.topology?.networks.find((network) => network.driver !== 'bridge')
  if (unbuilt) {
    throw iniError(
      { line: unbuilt.line, section: `network.${unbuilt.name}` },
      `network ${quote(unbuilt.name)}: driver ${unbuilt.driver} is not built yet; topology networks are bridges`,
    )
  }
  for (const decky of result.plan.create) {
    const spec = parsed.deckies.find((candidate) => candidate.name === decky.name)
    assertEngineRunsCustomServices(services.engine, decky, spec && { line: spec.line, section: spec.section })
  }
  const planned = result.plan.network
  return {
    plan: result.plan,
    seed,
    existing,
    repair,
    activeHosts: Math.max(1, hosts.filter((host) => host.automatic !== false).length),
    network: {
      ...network,
      subnet: planned.subnet,
      gateway: planned.gateway,
      ...(planned.driver ? { driver: planned.driver } : {}),
      ...(planned.interface ? { parent: planned.interface } : {}),
    },
  }
}
