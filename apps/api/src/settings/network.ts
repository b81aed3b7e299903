import { ZHostNetwork } from '@decnet/core'
import type { DecnetDatabase as Database } from '@decnet/db'
import type { z } from 'zod'
import { AppError } from '../app-error.ts'

export type FleetNetwork = z.infer<typeof ZHostNetwork>

const KEY = 'fleetNetwork'

/**
 * The LAN the local host's deckies live on. Defaults come from the environment; a fleet INI's
 * [general] net/gw replaces it when no decky survives the deploy (the planner enforces that).
 */
export function defaultFleetNetwork(env: NodeJS.ProcessEnv = process.env): FleetNetwork {
  const parsed = ZHostNetwork.safeParse({
    driver: env.DECNET_NETWORK_DRIVER || 'bridge',
    ...(env.DECNET_INTERFACE ? { parent: env.DECNET_INTERFACE } : {}),
    subnet: env.DECNET_SUBNET || '172.31.77.0/24',
    gateway: env.DECNET_GATEWAY || '172.31.77.1',
  })
  if (!parsed.success) {
    throw new AppError(
      'invalid_input',
      `fleet network from the environment is invalid: ${parsed.error.message}`,
    )
  }
  return parsed.data
}

export async function readFleetNetwork(db: Database, fallback: FleetNetwork): Promise<FleetNetwork> {
  const stored = ZHostNetwork.safeParse(await db.settings.get(KEY))
  return stored.success ? stored.data : fallback
}

export function writeFleetNetwork(db: Database, network: FleetNetwork): Promise<void> {
  return db.settings.set(KEY, network)
}
