import { checkInterval } from '@decnet/core'
import { AppError } from '../app-error.ts'
import type { ApiServices } from '../context.ts'
import { writeGlobalMutationInterval } from './settings.ts'

type Database = ApiServices['db']

/** The interval text ("30m", "2h" …) in minutes, null for none; anything else is refused as invalid input. */
export function intervalMinutes(interval: string | null): number | null {
  if (interval === null) return null
  const checked = checkInterval(interval)
  if (!checked.ok) throw new AppError('invalid_input', `interval: ${checked.reason}`)
  return checked.minutes
}

/** How often every decky without its own interval mutates (null: never). */
export async function setGlobalMutationInterval(db: Database, interval: string | null): Promise<void> {
  intervalMinutes(interval)
  await writeGlobalMutationInterval(db, interval)
}

/** One decky's own mutation interval (null: it follows the global one). */
export async function setDeckyMutateInterval(
  db: Database,
  name: string,
  interval: string | null,
): Promise<void> {
  await db.fleet.setMutateInterval(name, intervalMinutes(interval))
}
