import { cpus, totalmem } from 'node:os'
import { LOCAL_HOST_ID, ZHostNetwork, ZHostStatus, ZIsoDate } from '@decnet/core'
import type { Host } from '@decnet/db'
import { z } from 'zod'
import type { FleetNetwork } from '../settings/network.ts'
import type { LocalEngineState } from '../workers/local-engine-watch.ts'
import { localDeckyCapacity } from './capacity.ts'
import { type HostLeftovers, ZHostLeftovers } from './leftovers.ts'

const MIB = 1024 * 1024

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
  /** What the engine reported at enrollment and its last answered heartbeat. */
  engine: z.object({ version: z.string(), cpus: z.number().int(), memoryMiB: z.number().int() }).nullable(),
  network: ZHostNetwork,
  /** A host decommissioned without answering: the deckies it was left running, and whether they were swept since. */
  leftovers: ZHostLeftovers.nullable(),
})
export type HostOutput = z.input<typeof ZHostOutput>

/** The local engine as the heartbeat would see it: its Docker version (when it answers) and this machine. */
export function localHostOutput(
  network: FleetNetwork,
  deckyCount: number,
  engine: LocalEngineState,
): HostOutput {
  const engineVersion = engine.up ? engine.version : undefined
  return {
    id: LOCAL_HOST_ID,
    name: LOCAL_HOST_ID,
    builtIn: true,
    dockerUrl: process.env.DOCKER_HOST || 'unix:///var/run/docker.sock',
    status: engineVersion === undefined ? 'unreachable' : 'active',
    lastHeartbeatAt: engine.answeredAt,
    deckyCount,
    capacity: localDeckyCapacity(),
    engine:
      engineVersion === undefined
        ? null
        : { version: engineVersion, cpus: cpus().length, memoryMiB: Math.floor(totalmem() / MIB) },
    network,
    leftovers: null,
  }
}

export function toHostOutput(
  host: Host,
  deckyCount: number,
  leftovers: HostLeftovers | null = null,
): HostOutput {
  return {
    id: host.id,
    name: host.name,
    builtIn: false,
    dockerUrl: host.dockerUrl,
    status: host.status,
    lastHeartbeatAt: host.lastHeartbeat,
    deckyCount,
    capacity: host.capacity ?? null,
    engine: host.engine && {
      version: host.engine.version,
      cpus: host.engine.cpus,
      memoryMiB: host.engine.memoryMiB,
    },
    network: ZHostNetwork.parse(host.network),
    leftovers,
  }
}
