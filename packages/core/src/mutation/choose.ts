// An operator's chosen mutation: the same rules the random draw (pick.ts) follows, checked instead of drawn.
import { findPortConflict, isServiceSlug, type ServiceSlug } from '../catalog/services.ts'
import { DecnetError } from '../errors.ts'
import { MAX_PICKED_SERVICES, type MutableDecky, servicePool } from './pick.ts'

/**
 * `services` as a mutation of `decky` would commit them, in pool order: 1..3 distinct catalogue
 * services from the decky's pool (its archetype's services, else the catalogue, narrowed to what its
 * OS family runs), no two on one port. Anything else is `invalid_input` naming the first offender.
 */
export function checkMutationServices(decky: MutableDecky, services: readonly string[]): ServiceSlug[] {
  if (services.length < 1 || services.length > MAX_PICKED_SERVICES) {
    throw new DecnetError('invalid_input', `a mutation gives 1 to ${MAX_PICKED_SERVICES} services`)
  }
  if (new Set(services).size !== services.length) {
    throw new DecnetError('invalid_input', 'a service is named twice')
  }
  const pool = servicePool(decky.archetype, decky.osFamily)
  for (const slug of services) {
    if (!isServiceSlug(slug)) throw new DecnetError('invalid_input', `unknown service ${slug.slice(0, 64)}`)
    if (!pool.includes(slug)) {
      const from = decky.archetype ? `the ${decky.archetype} archetype` : 'the catalogue'
      const family = decky.osFamily ? ` on ${decky.osFamily}` : ''
      throw new DecnetError('invalid_input', `${slug} is not in the pool of ${from}${family}`)
    }
  }
  const conflict = findPortConflict(services)
  if (conflict) {
    throw new DecnetError(
      'invalid_input',
      `${conflict.a} and ${conflict.b} both listen on ${conflict.port.port}/${conflict.port.protocol}`,
    )
  }
  return pool.filter((slug) => services.includes(slug))
}

/** Same services, order aside. */
export function sameServices(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((slug) => b.includes(slug))
}
