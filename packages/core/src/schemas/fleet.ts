// Inputs and outputs of the fleet.* procedures.
import { z } from 'zod'
import { MAX_INI_BYTES } from '../ini/reader.ts'
import { LOGIN_POLICIES, MAX_ACCEPT_ATTEMPT } from '../persona/accounts.ts'
import { PLAN_SEED_PATTERN } from '../plan/seed.ts'
import { ZArchetypeSlug, ZDistroSlug, ZOsFamilySlug, ZServiceSlug } from './catalog.ts'
import { ZDeckyName, ZIntervalString, ZIpv4, ZIsoDate, ZMac } from './common.ts'
import { ZCustomServices } from './custom-service.ts'
import { ZServiceConfig } from './decky.ts'
import { ZHostId } from './hosts.ts'
import { ZLifecycleOperation, ZLifecycleStatus } from './lifecycle.ts'

/** A plan's seed: every random draw of the plan comes from it (see plan/seed.ts). */
export const ZPlanSeed = z.string().regex(PLAN_SEED_PATTERN, 'a plan seed is 32 lower-case hex digits')

const ZPlanRequest = {
  // Character bound here; the INI reader enforces the same bound in UTF-8 bytes.
  ini: z.string().max(MAX_INI_BYTES),
  replaceFleet: z.boolean().default(false),
  /** Draws from this seed (fleet.preview returns the one it used); fresh ones when absent. */
  seed: ZPlanSeed.optional(),
}

/** The part of a previewed decky a deploy must reproduce (extra keys of a preview row are dropped). */
export const ZExpectedDecky = z.object({
  name: ZDeckyName,
  ip: ZIpv4,
  mac: ZMac,
  hostname: z.string().max(253),
  distro: ZDistroSlug,
  osFamily: ZOsFamilySlug,
  services: z.array(ZServiceSlug).max(64),
  hostId: ZHostId,
})
/** What the preview showed; a deploy that would differ from it is refused with a CONFLICT naming how. */
export const ZPlanExpectation = z.object({
  create: z.array(ZExpectedDecky).max(1000),
  keep: z.array(ZDeckyName).max(1000),
  remove: z.array(ZDeckyName).max(1000),
})

export const ZDeployRequest = z
  .object({
    ...ZPlanRequest,
    /** The preview the operator confirmed (needs `seed`: without it every draw is fresh). */
    expected: ZPlanExpectation.optional(),
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

export const ZPreviewRequest = z.object(ZPlanRequest).strict()
/** One decky a deploy would create (fully resolved and placed, before any state exists). */
/** What one login service of a planned decky accepts (its persona's accounts unless configured). */
export const ZPlannedLogins = z.object({
  service: z.enum(['ssh', 'telnet']),
  policy: z.enum(LOGIN_POLICIES),
  acceptAttempt: z.number().int().min(1).max(MAX_ACCEPT_ATTEMPT),
  accounts: z.array(z.object({ user: z.string(), password: z.string().nullable() })),
})
export type PlannedLogins = z.infer<typeof ZPlannedLogins>

export const ZPlannedDecky = z.object({
  name: ZDeckyName,
  ip: ZIpv4,
  mac: ZMac,
  hostname: z.string(),
  distro: ZDistroSlug,
  archetype: ZArchetypeSlug.nullable(),
  services: z.array(ZServiceSlug).min(1),
  serviceConfig: ZServiceConfig,
  customServices: ZCustomServices.default([]),
  osFamily: ZOsFamilySlug,
  mutateIntervalMinutes: z.number().int().positive().nullable(),
  /** The host it is placed on (INI `host =`, where it already runs, or the one with most free capacity). */
  hostId: ZHostId,
  host: z.string(),
  /** Admins only (fleet.preview): the accounts its ssh/telnet will accept, passwords included. */
  logins: z.array(ZPlannedLogins),
})
export type PlannedDeckyOutput = z.infer<typeof ZPlannedDecky>
export const ZPreviewResponse = z.object({
  /** The seed the plan was drawn from: deploy with it (and this preview as `expected`) to get this plan. */
  seed: ZPlanSeed,
  create: z.array(ZPlannedDecky),
  keep: z.array(ZDeckyName),
  remove: z.array(ZDeckyName),
})

export const ZDeckyNameRequest = z.object({ name: ZDeckyName }).strict()

/** At most this many services one mutation gives a decky (core's MAX_PICKED_SERVICES). */
const MUTATION_SERVICES = z.array(ZServiceSlug).min(1).max(3)

/**
 * Without `services` the new set is drawn when committed (the scheduler's rule); with them exactly that
 * set is committed once it passes the same rules. `expectedServices`: the set the operator saw as current
 * (the preview's `current`); when the decky's services differ by then, the mutation is refused (CONFLICT).
 */
export const ZMutateRequest = z
  .object({
    name: ZDeckyName,
    services: MUTATION_SERVICES.optional(),
    expectedServices: z.array(ZServiceSlug).max(64).optional(),
  })
  .strict()
export type MutateRequest = z.infer<typeof ZMutateRequest>
export const ZMutateResponse = z.object({
  message: z.string(),
  lifecycleIds: z.array(z.string()).length(1),
  oldServices: z.array(ZServiceSlug),
  newServices: z.array(ZServiceSlug),
})

/** Live service edit: catalogue slugs or `custom-<name>`s to add and remove on one running decky. */
const ZEditedServiceNames = z.array(z.string().min(1).max(64)).max(16)
export const ZEditServicesRequest = z
  .object({
    name: ZDeckyName,
    add: ZEditedServiceNames.default([]),
    remove: ZEditedServiceNames.default([]),
    /** `[custom-<name>]` sections defining the custom services `add` names. */
    customSections: z.string().max(MAX_INI_BYTES).optional(),
  })
  .strict()
export type EditServicesRequest = z.infer<typeof ZEditServicesRequest>

/** The service names of a typed comma-separated list (CLI flag, console field): trimmed, no repeats. */
export function serviceNameList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  ]
}
export const ZEditServicesResponse = z.object({
  message: z.string(),
  lifecycleId: z.string(),
  /** Catalogue slugs and custom names, before and after. */
  oldServices: z.array(z.string()),
  newServices: z.array(z.string()),
})
export type EditServicesResponse = z.infer<typeof ZEditServicesResponse>

export const ZMutatePreviewRequest = ZDeckyNameRequest
/** A mutation drawn but not committed: what the decky runs, what the draw gives, and what may be picked. */
export const ZMutatePreviewResponse = z.object({
  name: ZDeckyName,
  archetype: ZArchetypeSlug.nullable(),
  osFamily: ZOsFamilySlug,
  current: z.array(ZServiceSlug),
  proposed: MUTATION_SERVICES,
  /** Every service a mutation of this decky may give it (the draw's pool), in catalogue order. */
  pool: z.array(ZServiceSlug),
  maxServices: z.number().int().positive(),
})
export type MutatePreviewResponse = z.infer<typeof ZMutatePreviewResponse>

export const ZDeckyHistoryRequest = z
  .object({ name: ZDeckyName, limit: z.number().int().min(1).max(200).default(50) })
  .strict()
/** One operation on a decky; a mutation says which services it replaced with which. */
export const ZDeckyHistoryEntry = z.object({
  id: z.string().min(1),
  operation: ZLifecycleOperation,
  status: ZLifecycleStatus,
  attempt: z.number().int().nonnegative(),
  error: z.string().nullable(),
  startedAt: ZIsoDate,
  completedAt: ZIsoDate.nullable(),
  /** Who asked: an operator (with `actor`), the mutation schedule, the reconciler's automatic repair… */
  trigger: z.string().max(32).nullable(),
  actor: z.string().max(128).nullable(),
  fromServices: z.array(z.string().max(64)).max(64).nullable(),
  toServices: z.array(z.string().max(64)).max(64).nullable(),
})
export type DeckyHistoryEntry = z.infer<typeof ZDeckyHistoryEntry>
export const ZDeckyHistoryResponse = z.object({ rows: z.array(ZDeckyHistoryEntry) })

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
