import { checkInterval } from '@decnet/core'
import type { DecnetDatabase as Database } from '@decnet/db'

/** Operator settings stored in the Setting table, with their defaults. */
export const DEFAULT_DEPLOYMENT_LIMIT = 50

export type OperatorSettings = {
  deploymentLimit: number
  /** e.g. "30m"; null = automatic mutation off unless a decky has its own interval. */
  globalMutationInterval: string | null
}

const KEYS = { deploymentLimit: 'deploymentLimit', globalMutationInterval: 'globalMutationInterval' } as const

export async function readSettings(db: Database): Promise<OperatorSettings> {
  const all = await db.settings.all()
  const limit = all[KEYS.deploymentLimit]
  const interval = all[KEYS.globalMutationInterval]
  return {
    deploymentLimit:
      typeof limit === 'number' && Number.isInteger(limit) && limit >= 1 && limit <= 500
        ? limit
        : DEFAULT_DEPLOYMENT_LIMIT,
    globalMutationInterval: typeof interval === 'string' && checkInterval(interval).ok ? interval : null,
  }
}

export function writeDeploymentLimit(db: Database, limit: number): Promise<void> {
  return db.settings.set(KEYS.deploymentLimit, limit)
}

export function writeGlobalMutationInterval(db: Database, interval: string | null): Promise<void> {
  return db.settings.set(KEYS.globalMutationInterval, interval)
}
