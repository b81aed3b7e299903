import { getService, sysctlsFor } from '@decnet/core'
import type { Decky } from '@decnet/db'
import type { DeckySpec, NetworkContext, ServiceConfigValue } from '@decnet/lifecycle'
import type { FleetNetwork } from '../settings/network.ts'

function configValues(values: Record<string, unknown> | undefined): Record<string, ServiceConfigValue> {
  const out: Record<string, ServiceConfigValue> = {}
  for (const [key, value] of Object.entries(values ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) out[key] = value
  }
  return out
}

/** What an engine needs to materialise a stored decky: ports from the catalogue, sysctls from its OS family. */
export function toDeckySpec(decky: Decky): DeckySpec {
  return {
    name: decky.name,
    ip: decky.ip,
    mac: decky.mac,
    hostname: decky.hostname,
    osFamily: decky.osFamily,
    sysctls: { ...sysctlsFor(decky.osFamily) },
    services: decky.services.map((slug) => {
      const service = getService(slug)
      if (!service) throw new Error(`decky ${decky.name} names unknown service ${slug}`)
      return {
        slug,
        ports: service.ports.map((port) => ({ ...port })),
        config: configValues(decky.serviceConfig[slug]),
      }
    }),
    // Stable per decky so its banners and host keys survive redeploys, distinct between deckies.
    seed: `${decky.name}/${decky.mac}`,
  }
}

export function toNetworkContext(network: FleetNetwork): NetworkContext {
  return {
    driver: network.driver,
    subnet: network.subnet,
    gateway: network.gateway,
    ...(network.parent ? { parent: network.parent } : {}),
  }
}
