import type { NetworkContext } from '@decnet/lifecycle'
import type { FleetNetwork } from '../settings/network.ts'

/** The engine's view of the fleet network stored for the local host. */
export function toNetworkContext(network: FleetNetwork): NetworkContext {
  return {
    driver: network.driver,
    subnet: network.subnet,
    gateway: network.gateway,
    ...(network.parent ? { parent: network.parent } : {}),
  }
}
