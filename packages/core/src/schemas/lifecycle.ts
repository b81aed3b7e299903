import { z } from 'zod'
import { ZDeckyName, ZIsoDate } from './common.ts'
import { ZHostId } from './hosts.ts'

/**
 * `repair`: converge a broken decky back to its recorded spec (automatic, or fleet.repair).
 * `upgrade`: recreate a decky on its host's current decoy image, persona unchanged (an image rollout).
 * `edit_services`: an operator's live service edit (fleet.editServices); only changed containers move.
 */
export const LIFECYCLE_OPERATIONS = [
  'deploy',
  'mutate',
  'teardown',
  'repair',
  'upgrade',
  'edit_services',
] as const
export const LIFECYCLE_STATUSES = ['pending', 'running', 'succeeded', 'failed'] as const
export const ZLifecycleOperation = z.enum(LIFECYCLE_OPERATIONS)
export const ZLifecycleStatus = z.enum(LIFECYCLE_STATUSES)
export type LifecycleOperation = z.infer<typeof ZLifecycleOperation>
export type LifecycleStatus = z.infer<typeof ZLifecycleStatus>

export const ZLifecycleRow = z.object({
  id: z.string().min(1),
  deckyName: ZDeckyName,
  hostId: ZHostId.nullable().optional(),
  operation: ZLifecycleOperation,
  status: ZLifecycleStatus,
  attempt: z.number().int().nonnegative(),
  error: z.string().nullable().optional(),
  startedAt: ZIsoDate,
  updatedAt: ZIsoDate,
  completedAt: ZIsoDate.nullable().optional(),
})
export type LifecycleRow = z.infer<typeof ZLifecycleRow>

/** Terminal statuses: a row in one of these never changes again. */
export function isTerminalStatus(status: LifecycleStatus): boolean {
  return status === 'succeeded' || status === 'failed'
}

export const ZLifecycleIds = z.object({ ids: z.array(z.string().min(1).max(128)).min(1).max(200) }).strict()
export const ZLifecycleRows = z.object({ rows: z.array(ZLifecycleRow) })
