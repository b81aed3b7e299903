// ATT&CK names and tactics for the technique ids the rules tag, from core's catalogue (rule data).
// An id the catalogue does not know (a newer rule set, an older row) is shown by id alone.
import { ATTACK_VERSION, attackTechnique } from '@decnet/core'

export type TechniqueInfo = { name: string | null; tactics: string[] }

/** The ATT&CK version the catalogue's names come from (stated in the Navigator layer). */
export const ATTACK_VERSION_OF_CATALOGUE = ATTACK_VERSION

export function techniqueInfo(id: string): TechniqueInfo {
  const known = attackTechnique(id)
  return known ? { name: known.name, tactics: [...known.tactics] } : { name: null, tactics: [] }
}
