// Service selection shared by the deploy planner (random services) and the mutator.
import { getArchetype } from '../catalog/archetypes.ts'
import { findPortConflict, SERVICE_SLUGS, type ServiceSlug, serviceFitsFamily } from '../catalog/services.ts'
import { type RandomSource, randomInt, sampleDistinct } from '../random.ts'

/** The most services a random draw or a mutation gives one decky. */
export const MAX_PICKED_SERVICES = 3
/** Random draws before falling back to a deterministic different set. */
const MAX_DRAWS = 21

/**
 * The archetype's services when it resolves, else every per-decky service; only those the decky's
 * OS family can run when it is known (a mutation never gives a Linux decky RDP).
 */
export function servicePool(
  archetype: string | null | undefined,
  osFamily?: string | null,
): readonly ServiceSlug[] {
  const resolved = archetype ? getArchetype(archetype) : undefined
  const pool = resolved ? resolved.services : SERVICE_SLUGS
  return osFamily ? pool.filter((slug) => serviceFitsFamily(slug, osFamily)) : pool
}

/**
 * 1..min(3, |pool|) distinct services drawn uniformly from the pool, skipping any that would
 * share a port with one already chosen, returned in pool order.
 */
export function drawServices(pool: readonly ServiceSlug[], random: RandomSource): ServiceSlug[] {
  const count = randomInt(random, 1, Math.min(MAX_PICKED_SERVICES, pool.length))
  const chosen: ServiceSlug[] = []
  for (const candidate of sampleDistinct(random, pool, pool.length)) {
    if (chosen.length === count) break
    if (!findPortConflict([...chosen, candidate])) chosen.push(candidate)
  }
  return pool.filter((slug) => chosen.includes(slug))
}

const sameSet = (a: readonly string[], b: ReadonlySet<string>): boolean =>
  a.length === b.size && a.every((item) => b.has(item))

export interface MutableDecky {
  services: readonly string[]
  archetype?: string | null
  osFamily?: string | null
}

/**
 * New services for a mutation: drawn from the archetype pool (else all services) and different
 * from the current set whenever the pool allows any different set. Never empty, at most 3.
 */
export function pickNewServices(decky: MutableDecky, random: RandomSource): ServiceSlug[] {
  const pool = servicePool(decky.archetype, decky.osFamily)
  const current = new Set(decky.services)
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    const chosen = drawServices(pool, random)
    if (!sameSet(chosen, current)) return chosen
  }
  // Unlucky (or tiny pool): any single service differs unless the current set is exactly it.
  const different = pool.find((slug) => !sameSet([slug], current))
  return [different ?? (pool[0] as ServiceSlug)]
}
