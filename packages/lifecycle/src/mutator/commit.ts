/**
 * One mutation, the same for the operator (`fleet.mutate`) and the scheduler: pick new services,
 * commit them with a `mutate` lifecycle row, announce it on the bus and wake the runner (which
 * makes Docker match). The database is the truth; the bus event is a notification.
 */
import { checkMutationServices, pickNewServices, type RandomSource } from '@decnet/core'
import { type Decky, type DecnetDatabase, NotFoundError } from '@decnet/db'
import type { Bus } from '../bus/bus.ts'
import type { BusPayloads } from '../bus/events.ts'
import { topics } from '../bus/topics.ts'

export type MutationTrigger = BusPayloads['mutation']['trigger']

export type MutationOrigin = { trigger: MutationTrigger; actor?: string }

export type MutationDeps = {
  db: { fleet: Pick<DecnetDatabase['fleet'], 'get' | 'commitMutation'> }
  bus?: Pick<Bus, 'publish'>
  /** The lifecycle runner's wake-up, so the mutate row is picked up at once. */
  wake?: () => void
  /** Time stamped as the decky's lastMutatedAt (injectable for tests). */
  now?: () => Date
}

export type MutationResult = { lifecycleId: string; oldServices: string[]; newServices: string[] }

/**
 * What the operator confirmed: exactly these services (checked against the same rules as a draw), and
 * the set they saw as current (the commit is refused when the decky runs something else by then).
 */
export type ConfirmedMutation = { services?: readonly string[]; expectedServices?: readonly string[] }

/**
 * Mutates `decky` (a row, or a name to look up; NotFoundError when absent). Configuration of the
 * services that stay is kept; a newly added service starts from its defaults. The lifecycle row
 * records the services before and after and who asked.
 */
export async function commitMutation(
  deps: MutationDeps,
  decky: Decky | string,
  origin: MutationOrigin,
  random: RandomSource = Math.random,
  confirmed: ConfirmedMutation = {},
): Promise<MutationResult> {
  const row = typeof decky === 'string' ? await deps.db.fleet.get(decky) : decky
  if (!row) throw new NotFoundError(`decky "${String(decky)}" not found`)
  const newServices: string[] = confirmed.services
    ? checkMutationServices(row, confirmed.services)
    : pickNewServices(row, random)
  const serviceConfig = Object.fromEntries(
    Object.entries(row.serviceConfig).filter(([slug]) => newServices.includes(slug)),
  )
  const at = deps.now?.() ?? new Date()
  const { lifecycleId, previousServices } = await deps.db.fleet.commitMutation(
    row.name,
    newServices,
    serviceConfig,
    at,
    {
      origin: { trigger: origin.trigger, ...(origin.actor !== undefined ? { actor: origin.actor } : {}) },
      ...(confirmed.expectedServices ? { expectedServices: confirmed.expectedServices } : {}),
    },
  )
  // The services replaced are the ones the commit saw (the row read above may be a moment older).
  const oldServices = previousServices
  deps.bus?.publish({
    topic: topics.deckyMutation(row.name),
    type: 'mutation',
    payload: {
      decky: row.name,
      oldServices,
      newServices,
      trigger: origin.trigger,
      ...(origin.actor !== undefined ? { actor: origin.actor } : {}),
    },
  })
  deps.wake?.()
  return { lifecycleId, oldServices, newServices }
}
