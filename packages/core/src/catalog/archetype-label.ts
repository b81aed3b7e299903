// What a decky's archetype label may honestly claim once its services are no longer the archetype's.
import { getArchetype } from './archetypes.ts'

/**
 * The archetype as a label: the slug while the decky runs exactly the archetype's services; once a
 * mutation (or an INI's own `services =`) changed them, the archetype still names the persona and the
 * pool mutations draw from, but not the service set, so the label says so. No archetype: `custom`.
 */
export function archetypeLabel(decky: {
  archetype?: string | null
  services: readonly string[]
  lastMutatedAt?: Date | string | null
}): string {
  if (!decky.archetype) return 'custom'
  const archetype = getArchetype(decky.archetype)
  if (!archetype) return decky.archetype
  const standard =
    archetype.services.length === decky.services.length &&
    archetype.services.every((slug) => decky.services.includes(slug))
  if (standard) return archetype.slug
  return decky.lastMutatedAt ? `${archetype.slug} (mutated)` : `${archetype.slug} (custom services)`
}
