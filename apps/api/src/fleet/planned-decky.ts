import type { PlannedDecky } from '@decnet/core'
import type { DeckyInput } from '@decnet/db'

/** A planned decky as the row the Decky table stores (placement and replace flags are the plan's own). */
export function toDeckyRow({
  replaces: _replaces,
  host: _hostName,
  mutateIntervalMinutes,
  ...row
}: PlannedDecky): DeckyInput {
  return { ...row, mutateInterval: mutateIntervalMinutes }
}
