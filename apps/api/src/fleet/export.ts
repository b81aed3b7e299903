// The committed fleet as a fleet INI (`fleet.export`, `decnet export fleet`): deploying it into an
// empty fleet gives the same deckies — names, IPs, hosts, services, personas, archetypes, distros, OS
// families and mutation intervals. Hostnames are drawn again (the INI has no key for them); MACs follow
// from name and OS family, so they come out the same.
import {
  type ConfigValue,
  formatInterval,
  getService,
  type IniDeckyInput,
  LOCAL_HOST_ID,
  type ServiceSlug,
  writeFleetIni,
} from '@decnet/core'
import type { Decky } from '@decnet/db'
import type { ApiServices } from '../context.ts'
import { readFleetNetwork } from '../settings/network.ts'
import { isConfigValue } from './plan.ts'

export type OmittedSecret = { decky: string; service: ServiceSlug; setting: string }

export type FleetExport = {
  ini: string
  deckies: number
  /** Secret settings left out (callers that may not read them, or who asked for none). */
  omittedSecrets: OmittedSecret[]
}

function personaOf(
  decky: Decky,
  includeSecrets: boolean,
  omitted: OmittedSecret[],
): Record<string, Record<string, ConfigValue>> {
  const persona: Record<string, Record<string, ConfigValue>> = {}
  for (const [service, values] of Object.entries(decky.serviceConfig)) {
    const definition = getService(service)
    const kept: Record<string, ConfigValue> = {}
    for (const [key, value] of Object.entries(values)) {
      if (!isConfigValue(value)) continue
      const secret = definition?.config.find((field) => field.key === key)?.secret === true
      if (definition && secret && !includeSecrets) {
        omitted.push({ decky: decky.name, service: definition.slug, setting: key })
        continue
      }
      kept[key] = value
    }
    if (Object.keys(kept).length > 0) persona[service] = kept
  }
  return persona
}

/**
 * Renders the fleet. `[general]` (the local decky network) is written only when every decky runs on
 * the local host: the reader checks every `ip =` against it, and deckies on enrolled hosts live on
 * their hosts' networks.
 */
export async function exportFleet(
  services: Pick<ApiServices, 'db' | 'defaultNetwork'>,
  options: { includeSecrets: boolean },
): Promise<FleetExport> {
  const { db } = services
  const [rows, hostRows, network] = await Promise.all([
    db.fleet.list(),
    db.hosts.list(),
    readFleetNetwork(db, services.defaultNetwork),
  ])
  // `host =` takes a host's name; the local host's id is its name.
  const hostNames = new Map(hostRows.map((host) => [host.id, host.name]))
  // A decky waiting for its host to answer so it can be removed is no longer part of the fleet.
  const fleet = rows.filter((decky) => decky.state !== 'pending_removal')
  const omittedSecrets: OmittedSecret[] = []
  const deckies: IniDeckyInput[] = fleet.map((decky) => ({
    name: decky.name,
    ip: decky.ip,
    host: hostNames.get(decky.hostId) ?? decky.hostId,
    services: decky.services,
    ...(decky.archetype ? { archetype: decky.archetype } : {}),
    distro: decky.distro,
    osFamily: decky.osFamily,
    // Written as operators type it (`3h`, not 180); the reader reads both.
    ...(decky.mutateInterval !== null
      ? { mutateInterval: formatInterval(decky.mutateInterval) ?? undefined }
      : {}),
    serviceConfig: personaOf(decky, options.includeSecrets, omittedSecrets),
    // A custom service's environment may hold its credentials: written only where secrets are.
    customServices: options.includeSecrets
      ? decky.customServices
      : decky.customServices.map((service) => ({ ...service, env: {} })),
  }))
  if (deckies.length === 0) return { ini: '', deckies: 0, omittedSecrets }
  const general = fleet.every((decky) => decky.hostId === LOCAL_HOST_ID)
    ? {
        subnet: network.subnet,
        gateway: network.gateway,
        driver: network.driver,
        ...(network.parent ? { interface: network.parent } : {}),
      }
    : undefined
  return {
    ini: writeFleetIni({ ...(general ? { general } : {}), deckies }),
    deckies: deckies.length,
    omittedSecrets,
  }
}
