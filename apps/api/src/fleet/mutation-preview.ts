import { MAX_PICKED_SERVICES, type MutatePreviewResponse, pickNewServices, servicePool } from '@decnet/core'
import type { Decky } from '@decnet/db'
import { cryptoRandom } from '../random.ts'

/**
 * A mutation drawn by the mutator's own rule but not committed: the operator confirms it (fleet.mutate
 * with these `services` and `expectedServices: current`) or picks another set from `pool`.
 */
export function previewMutation(decky: Decky): MutatePreviewResponse {
  return {
    name: decky.name,
    archetype: (decky.archetype ?? null) as MutatePreviewResponse['archetype'],
    osFamily: decky.osFamily as MutatePreviewResponse['osFamily'],
    current: decky.services as MutatePreviewResponse['current'],
    proposed: pickNewServices(decky, cryptoRandom),
    pool: [...servicePool(decky.archetype, decky.osFamily)],
    maxServices: MAX_PICKED_SERVICES,
  }
}
