/**
 * One mutation, the same for the operator (`fleet.mutate`) and the scheduler: pick new services,
 * commit them with a `mutate` lifecycle row, announce it on the bus and wake the runner (which
 * makes Docker match). The database is the truth; the bus event is a notification.
 */
import { pickNewServices, type RandomSource } from '@decnet/core'
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
 * Mutates `decky` (a row, or a name to look up; NotFoundError when absent). Configuration of the
 * services that stay is kept; a newly added service starts from its defaults.
 */
export async function commitMutation(
  deps: MutationDeps,
  decky: Decky | string,
  origin: MutationOrigin,
  random: RandomSource = Math.random,
): Promise<MutationResult> {
  const row = typeof decky === 'string' ? await deps.db.fleet.get(decky) : decky
  if (!row) throw new NotFoundError(`decky "${String(decky)}" not found`)
  const oldServices = [...row.services]
  const newServices: string[] = pickNewServices(row, random)
  const serviceConfig = Object.fromEntries(
    Object.entries(row.serviceConfig).filter(([slug]) => newServices.includes(slug)),
  )
  const at = deps.now?.() ?? new Date()
  const { lifecycleId } = await deps.db.fleet.commitMutation(row.name, newServices, serviceConfig, at)
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
