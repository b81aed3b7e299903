import type { DecnetDatabase } from '@decnet/db'
import type { DeckyEngine } from '@decnet/lifecycle'
import { AUDIT_LEFTOVERS_SWEPT } from '../hosts/leftovers.ts'

/** Audit action of a sweep of a host the fleet uses (the target is the host id). */
export const AUDIT_ORPHANS_SWEPT = 'host.orphans_swept'

/**
 * Containers younger than this are spared by a periodic sweep: the list of deckies the fleet holds was
 * read a moment earlier, and a decky committed since may be deploying right now (remote clocks may be a
 * little off too).
 */
export const PERIODIC_SWEEP_MIN_AGE_MS = 20_000

/** Names listed in one audit entry at most (the rest are counted). */
const MAX_LISTED = 100

export type SweepOutcome = {
  containersRemoved: string[]
  /** pending_removal deckies whose containers are gone: their rows were deleted. */
  released: string[]
  errors: string[]
}

const capped = (names: string[]) => names.slice(0, MAX_LISTED)

/**
 * Removes from one host everything of ours (labels decnet.managed + instance) that the fleet does not
 * hold there: deckies torn down while it did not answer (`pending_removal`, whose rows then go and free
 * their name and IP), containers of deckies that left the fleet or moved to another host, half-built ones
 * of abandoned operations. What it did is written to the audit log. Never throws on a Docker failure:
 * the errors are reported and the rows stay for the next sweep.
 */
export async function sweepHostOrphans(deps: {
  db: DecnetDatabase
  engine: DeckyEngine
  host: { id: string; name: string }
  /** 0 only while no operation can be creating containers there (its runner not started yet). */
  minAgeMs: number
  /** Why it runs, recorded with what it did: e.g. "host answered again", "periodic". */
  reason: string
  log: (line: string) => void
}): Promise<SweepOutcome> {
  const { db, engine, host, minAgeMs, reason, log } = deps
  const deckies = (await db.fleet.list()).filter((decky) => decky.hostId === host.id)
  const pending = deckies.filter((decky) => decky.state === 'pending_removal').map((decky) => decky.name)
  const held = deckies.filter((decky) => decky.state !== 'pending_removal').map((decky) => decky.name)
  const outcome: SweepOutcome = { containersRemoved: [], released: [], errors: [] }
  const reaped = await engine
    .reapOrphans(held, { minAgeMs })
    .catch((error: unknown) => ({ containersRemoved: [], networksRemoved: [], errors: [String(error)] }))
  outcome.containersRemoved.push(...reaped.containersRemoved)
  outcome.errors.push(...reaped.errors)
  for (const name of pending) {
    try {
      // Idempotent, and spares nothing young: these containers belong to no decky the fleet wants.
      await engine.teardown(name)
      if (await db.fleet.deletePendingRemoval(name, host.id)) outcome.released.push(name)
    } catch (error) {
      outcome.errors.push(`${name}: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  const did = outcome.containersRemoved.length + outcome.released.length + outcome.errors.length
  if (did > 0) {
    await db.audit.append({
      actor: 'system',
      action: AUDIT_ORPHANS_SWEPT,
      target: host.id,
      detail: {
        host: host.name,
        reason,
        containersRemoved: capped(outcome.containersRemoved),
        containerCount: outcome.containersRemoved.length,
        released: capped(outcome.released),
        errors: capped(outcome.errors).map((error) => error.slice(0, 300)),
      },
    })
    log(
      `decnet hosts: ${host.name} (${reason}): removed ${outcome.containersRemoved.length} containers the fleet does not hold` +
        (outcome.released.length > 0 ? `; released ${outcome.released.join(', ')}` : '') +
        (outcome.errors.length > 0
          ? `; ${outcome.errors.length} errors: ${outcome.errors.join('; ').slice(0, 300)}`
          : ''),
    )
  }
  return outcome
}

/**
 * A host decommissioned while it did not answer has answered again: whatever of ours it still runs goes
 * (the fleet holds nothing there any more), and the audit log says it was swept.
 */
export async function sweepDecommissionedLeftovers(deps: {
  db: DecnetDatabase
  engine: DeckyEngine
  host: { id: string; name: string }
  log: (line: string) => void
}): Promise<SweepOutcome> {
  const { db, engine, host, log } = deps
  const reaped = await engine
    .reapOrphans([], { minAgeMs: 0 })
    .catch((error: unknown) => ({ containersRemoved: [], networksRemoved: [], errors: [String(error)] }))
  const outcome = { containersRemoved: reaped.containersRemoved, released: [], errors: reaped.errors }
  if (outcome.errors.length === 0) {
    await db.audit.append({
      actor: 'system',
      action: AUDIT_LEFTOVERS_SWEPT,
      target: host.id,
      detail: {
        host: host.name,
        containersRemoved: capped(outcome.containersRemoved),
        containerCount: outcome.containersRemoved.length,
      },
    })
  }
  log(
    `decnet hosts: decommissioned ${host.name} answered: removed ${outcome.containersRemoved.length} containers left on it` +
      (outcome.errors.length > 0 ? ` (${outcome.errors.length} errors, retried at its next answer)` : ''),
  )
  return outcome
}
