import { LOCAL_HOST_ID, ZHostNetwork, ZHostStatus, ZIsoDate } from '@decnet/core'
import type { Host } from '@decnet/db'
import { z } from 'zod'
import type { FleetNetwork } from '../settings/network.ts'
import { localDeckyCapacity } from './capacity.ts'

/** A host as clients see it: never its TLS material. */
export const ZHostOutput = z.object({
  id: z.string(),
  name: z.string(),
  builtIn: z.boolean(),
  dockerUrl: z.string(),
  status: ZHostStatus,
  lastHeartbeatAt: ZIsoDate.nullable(),
  deckyCount: z.number().int(),
  capacity: z.number().int().nullable(),
  network: ZHostNetwork,
})
export type HostOutput = z.input<typeof ZHostOutput>

export function localHostOutput(network: FleetNetwork, deckyCount: number, engineUp: boolean): HostOutput {
  return {
    id: LOCAL_HOST_ID,
    name: LOCAL_HOST_ID,
    builtIn: true,
    dockerUrl: process.env.DOCKER_HOST || 'unix:///var/run/docker.sock',
    status: engineUp ? 'active' : 'unreachable',
    lastHeartbeatAt: new Date(),
    deckyCount,
    capacity: localDeckyCapacity(),
    network,
  }
}

export function toHostOutput(host: Host, deckyCount: number): HostOutput {
  return {
    id: host.id,
    name: host.name,
    builtIn: false,
    dockerUrl: host.dockerUrl,
    status: host.status,
    lastHeartbeatAt: host.lastHeartbeat,
    deckyCount,
    capacity: host.capacity ?? null,
    network: ZHostNetwork.parse(host.network),
  }
}
