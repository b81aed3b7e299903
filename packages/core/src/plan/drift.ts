// What a deploy would do now against what its preview showed. A seeded plan is the previewed plan
// while the fleet stays as it was; when the fleet changed in between (a decky took a previewed IP or
// host name, appeared, went away), the deploy is refused with the differences named, nothing is
// written, and the operator previews again: a deploy never commits something nobody looked at.
import { DecnetError, quote } from '../errors.ts'
import type { DeployPlan, ExistingDecky } from './plan.ts'

/** The part of a previewed decky an operator reads and a deploy must reproduce. */
export interface ExpectedDecky {
  name: string
  ip: string
  mac: string
  hostname: string
  distro: string
  osFamily: string
  services: readonly string[]
  hostId: string
}

/**
 * What the preview showed: the deckies it would create, and the names it would keep and tear down.
 * Kept names are not compared: a kept decky is never touched, and one that a change since turned into
 * a redeploy shows up as an extra decky to deploy.
 */
export interface PlanExpectation {
  create: readonly ExpectedDecky[]
  keep: readonly string[]
  remove: readonly string[]
}

const MAX_LISTED = 10

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item))
}

function listed(names: readonly string[]): string {
  return names.map(quote).join(', ')
}

/** Who holds `value` of `field` in the fleet now (another decky than `name`), for the reason. */
function holder(
  existing: readonly ExistingDecky[],
  name: string,
  matches: (decky: ExistingDecky) => boolean,
): string {
  const other = existing.find((decky) => decky.name !== name && matches(decky))
  return other ? ` (now held by decky ${quote(other.name)})` : ''
}

/** Each way `plan` differs from `expected`, as sentences; empty when the deploy is the preview. */
export function planDrift<T extends ExistingDecky>(
  expected: PlanExpectation,
  plan: DeployPlan<T>,
  existing: readonly ExistingDecky[],
): string[] {
  const drift: string[] = []
  const planned = new Map(plan.create.map((decky) => [decky.name, decky]))
  const previewed = new Set(expected.create.map((decky) => decky.name))
  for (const want of expected.create) {
    const got = planned.get(want.name)
    if (!got) {
      drift.push(`${quote(want.name)} would no longer be created`)
      continue
    }
    const changes: string[] = []
    if (got.ip !== want.ip)
      changes.push(`IP ${want.ip} → ${got.ip}${holder(existing, want.name, (decky) => decky.ip === want.ip)}`)
    if (got.hostname !== want.hostname) {
      const lower = want.hostname.toLowerCase()
      changes.push(
        `host name ${want.hostname} → ${got.hostname}${holder(existing, want.name, (decky) => decky.hostname.toLowerCase() === lower)}`,
      )
    }
    if (got.mac !== want.mac) changes.push(`MAC ${want.mac} → ${got.mac}`)
    if (got.hostId !== want.hostId) changes.push(`host ${want.hostId} → ${got.hostId}`)
    if (got.distro !== want.distro || got.osFamily !== want.osFamily)
      changes.push(`OS ${want.distro}/${want.osFamily} → ${got.distro}/${got.osFamily}`)
    if (!sameSet(got.services, want.services))
      changes.push(`services ${want.services.join(',')} → ${got.services.join(',')}`)
    if (changes.length > 0) drift.push(`${quote(want.name)}: ${changes.join('; ')}`)
  }
  const added = plan.create.filter((decky) => !previewed.has(decky.name)).map((decky) => decky.name)
  if (added.length > 0) drift.push(`would also deploy ${listed(added)}`)
  const remove = plan.remove.map((decky) => decky.name)
  const newlyRemoved = remove.filter((name) => !expected.remove.includes(name))
  if (newlyRemoved.length > 0) drift.push(`would also tear down ${listed(newlyRemoved)}`)
  const spared = expected.remove.filter((name) => !remove.includes(name))
  if (spared.length > 0) drift.push(`would no longer tear down ${listed(spared)}`)
  return drift
}

/** Throws a `conflict` naming the differences when the plan is not the one previewed. */
export function assertPlanAsPreviewed<T extends ExistingDecky>(
  expected: PlanExpectation,
  plan: DeployPlan<T>,
  existing: readonly ExistingDecky[],
): void {
  const drift = planDrift(expected, plan, existing)
  if (drift.length === 0) return
  const shown = drift.slice(0, MAX_LISTED)
  const more = drift.length > shown.length ? `; and ${drift.length - shown.length} more` : ''
  throw new DecnetError(
    'conflict',
    `the fleet changed since the preview, so this deploy would differ from it: ${shown.join('; ')}${more}. Nothing was deployed; preview again and deploy what it shows`,
  )
}
