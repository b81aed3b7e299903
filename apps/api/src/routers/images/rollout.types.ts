import { ZImageRollout, ZRolloutPacing } from '@decnet/core'

/** Deckies upgraded per batch (default 1) and the pause between batches. */
export const ZStartRolloutInput = ZRolloutPacing
export const ZStartRolloutOutput = ZImageRollout
