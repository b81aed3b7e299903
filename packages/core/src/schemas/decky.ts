// The decky as every layer sees it: the `Decky` table row is the one source of truth.
import { z } from 'zod'
import { ZArchetypeSlug, ZConfigValue, ZDistroSlug, ZOsFamilySlug, ZServiceSlug } from './catalog.ts'
import { ZDeckyName, ZIpv4, ZIsoDate, ZMac } from './common.ts'

/** `unknown`: the engine that runs the decky cannot be asked (its daemon is down), so nobody knows. */
export const DECKY_STATES = [
  'pending',
  'running',
  'degraded',
  'missing',
  'failed',
  'tearing_down',
  'unknown',
] as const
export const ZDeckyState = z.enum(DECKY_STATES)
export type DeckyState = z.infer<typeof ZDeckyState>

/** Host id used for deckies placed on the machine running the API (unihost). */
export const LOCAL_HOST_ID = 'local'

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
  osFamily: ZOsFamilySlug,
  /** Minutes between automatic mutations; null/absent falls back to the global interval. */
  mutateIntervalMinutes: z.number().int().positive().nullable().optional(),
  lastMutatedAt: ZIsoDate.nullable().optional(),
  hostId: z.string().min(1),
  state: ZDeckyState,
})
export type Decky = z.infer<typeof ZDecky>
/** What a handler may pass in (Dates allowed where the wire has ISO strings). */
export type DeckyInput = z.input<typeof ZDecky>
