import {
  DecnetError,
  type DeployPlan,
  type ExistingDecky,
  LOCAL_HOST_ID,
  parseFleetIni,
  planDeploy,
  type ServiceConfig,
} from '@decnet/core'
import type { Decky } from '@decnet/db'
import type { ApiServices } from '../context.ts'
import { cryptoRandom } from '../random.ts'
import { createSerialQueue } from '../serial.ts'
import { type FleetNetwork, readFleetNetwork } from '../settings/network.ts'
import { readSettings } from '../settings/settings.ts'

export type FleetPlan = { plan: DeployPlan<ExistingDecky>; network: FleetNetwork }

/** Planning + committing is serialised in this process so concurrent auto-allocations never pick the same IP. */
export const serialiseFleetChanges = createSerialQueue()

type ConfigValue = ServiceConfig[string][string]

function isConfigValue(value: unknown): value is ConfigValue {
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

/** Parses the INI and plans it against the committed fleet. Throws DecnetError only. */
export async function planFleet(
  services: ApiServices,
  ini: string,
  replaceFleet: boolean,
): Promise<FleetPlan> {
  const parsed = parseFleetIni(ini)
  const { db, defaultNetwork } = services
  const [deckies, settings, network] = await Promise.all([
    db.fleet.list(),
    readSettings(db),
    readFleetNetwork(db, defaultNetwork),
  ])
  const existing = deckies.map(toExistingDecky)
  const result = planDeploy({
    existing,
    network: { subnet: network.subnet, gateway: network.gateway },
    ini: parsed,
    replaceFleet,
    random: cryptoRandom,
    deploymentLimit: settings.deploymentLimit,
  })
  if (!result.ok) throw result.error
  for (const decky of result.plan.create) {
    // Multi-host placement is not enrolled yet: only the local host exists.
    if (decky.host !== null && decky.host !== LOCAL_HOST_ID) {
      throw new DecnetError('not_found', `[${decky.name}] host: no enrolled host named "${decky.host}"`)
    }
  }
  const planned = result.plan.network
  return {
    plan: result.plan,
    network: {
      ...network,
      subnet: planned.subnet,
      gateway: planned.gateway,
      ...(planned.driver ? { driver: planned.driver } : {}),
      ...(planned.interface ? { parent: planned.interface } : {}),
    },
  }
}
