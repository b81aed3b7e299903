// Inputs and outputs of the fleet.* procedures.
import { z } from 'zod'
import { MAX_INI_BYTES } from '../ini/reader.ts'
import { ZArchetypeSlug, ZDistroSlug, ZOsFamilySlug, ZServiceSlug } from './catalog.ts'
import { ZDeckyName, ZIntervalString, ZIpv4, ZMac } from './common.ts'
import { ZServiceConfig } from './decky.ts'
import { ZHostId } from './hosts.ts'

export const ZDeployRequest = z
  .object({
    // Character bound here; the INI reader enforces the same bound in UTF-8 bytes.
    ini: z.string().max(MAX_INI_BYTES),
    replaceFleet: z.boolean().default(false),
  })
  .strict()
export type DeployRequest = z.infer<typeof ZDeployRequest>

export const ZDeployMode = z.enum(['unihost', 'swarm'])
export const ZDeployResponse = z.object({
  message: z.string(),
  mode: ZDeployMode,
  lifecycleIds: z.array(z.string()),
})
export type DeployResponse = z.infer<typeof ZDeployResponse>

export const ZPreviewRequest = ZDeployRequest
/** One decky a deploy would create (fully resolved and placed, before any state exists). */
export const ZPlannedDecky = z.object({
  name: ZDeckyName,
  ip: ZIpv4,
  mac: ZMac,
  hostname: z.string(),
  distro: ZDistroSlug,
  archetype: ZArchetypeSlug.nullable(),
  services: z.array(ZServiceSlug).min(1),
  serviceConfig: ZServiceConfig,
  osFamily: ZOsFamilySlug,
  mutateIntervalMinutes: z.number().int().positive().nullable(),
  /** The host it is placed on (INI `host =`, where it already runs, or the one with most free capacity). */
  hostId: ZHostId,
  host: z.string(),
})
export type PlannedDeckyOutput = z.infer<typeof ZPlannedDecky>
export const ZPreviewResponse = z.object({
  create: z.array(ZPlannedDecky),
  keep: z.array(ZDeckyName),
  remove: z.array(ZDeckyName),
})

export const ZDeckyNameRequest = z.object({ name: ZDeckyName }).strict()
export const ZMutateRequest = ZDeckyNameRequest
export const ZMutateResponse = z.object({ message: z.string(), lifecycleIds: z.array(z.string()).length(1) })

export const ZTeardownRequest = z.union([
  z.object({ name: ZDeckyName }).strict(),
  z.object({ all: z.literal(true) }).strict(),
])
export type TeardownRequest = z.infer<typeof ZTeardownRequest>
export const ZTeardownResponse = z.object({ message: z.string(), lifecycleIds: z.array(z.string()) })

export const ZSetMutateIntervalRequest = z
  .object({ name: ZDeckyName, interval: ZIntervalString.nullable() })
  .strict()

export const ZReapReport = z.object({
  containersRemoved: z.array(z.string()),
  networksRemoved: z.array(z.string()),
  errors: z.array(z.string()),
})
export type ReapReport = z.infer<typeof ZReapReport>
