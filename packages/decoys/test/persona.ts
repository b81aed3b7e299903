// A persona for tests that build an emulator context by hand: derived from a name, like `startEmulator`
// does when given none, so the same name always gives the same persona.
import { derivePersona, type OsFamilySlug, seedFromName } from '@decnet/core'
import type { Persona } from '@decnet/core/schemas'

export function personaForTest(name: string, osFamily: OsFamilySlug = 'linux', distro = 'debian'): Persona {
  return derivePersona({ seed: seedFromName(name), osFamily, distro })
}
