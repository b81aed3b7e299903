// The decky as every layer sees it: the `Decky` table row is the one source of truth.
import { z } from 'zod'
import { ZArchetypeSlug, ZConfigValue, ZDistroSlug, ZOsFamilySlug, ZServiceSlug } from './catalog.ts'
import { ZDeckyName, ZIpv4, ZIsoDate, ZMac } from './common.ts'
import { ZCustomServices } from './custom-service.ts'
import { ZHostId } from './hosts.ts'

/**
 * `unknown`: the engine that runs the decky cannot be asked (its daemon is down, or its host does not
 * answer), so nobody knows. `pending_removal`: torn down while its host did not answer; name and IP stay
 * reserved until the host answers and its containers are gone.
 */
export const DECKY_STATES = [
  'pending',
  'running',
  'degraded',
  'missing',
  'failed',
  'unknown',
  'pending_removal',
] as const
export const ZDeckyState = z.enum(DECKY_STATES)
export type DeckyState = z.infer<typeof ZDeckyState>

/** Per-service persona settings, already coerced by the service's config schema. */
export const ZServiceConfig = z.record(z.string(), z.record(z.string(), ZConfigValue))
export type ServiceConfig = z.infer<typeof ZServiceConfig>

export const ZDecky = z.object({
  name: ZDeckyName,
  ip: ZIpv4,
  mac: ZMac,
  hostname: z.string().min(1).max(253),
  distro: ZDistroSlug,
  archetype: ZArchetypeSlug.nullable().optional(),
  services: z.array(ZServiceSlug).min(1),
  serviceConfig: ZServiceConfig,
  /** `[custom-<name>]` services (images already on its engine); none on rows from before them. */
  customServices: ZCustomServices.default([]),
  osFamily: ZOsFamilySlug,
  /** Minutes between automatic mutations; null/absent falls back to the global interval. */
  mutateIntervalMinutes: z.number().int().positive().nullable().optional(),
  lastMutatedAt: ZIsoDate.nullable().optional(),
  hostId: ZHostId,
  state: ZDeckyState,
})
export type Decky = z.infer<typeof ZDecky>
/** What a handler may pass in (Dates allowed where the wire has ISO strings). */
export type DeckyInput = z.input<typeof ZDecky>
