// The believability fleet: two deckies of every archetype, planned from an INI exactly as an operator's
// deploy is (planner → decky rows → engine specs) and deployed in parallel on real Docker with the
// project's decoy image.
import { ARCHETYPES, type ArchetypeSlug, parseFleetIni, planDeploy, seededRandom } from '@decnet/core'
import type Docker from 'dockerode'
import { type DeckySpec, DockerEngine, deckySpecFor } from '../../../src/index.ts'
import { bridgeNetwork, inBatches, removeInstance, testInstance } from '../../support/docker.ts'

export type FleetDecky = {
  archetype: ArchetypeSlug
  /** 1 or 2: the two deckies of an archetype are twins (same archetype, same distro, other seeds). */
  twin: 1 | 2
  spec: DeckySpec
}

export type Fleet = {
  instance: string
  deckies: FleetDecky[]
  deploySeconds: number
  teardown(): Promise<void>
}

/**
 * The fleet INI: one section per archetype with `amount = 2`, pinned to the archetype's first
 * preferred distro so the twins run the same OS (the version banners they legitimately share are then
 * the same, and anything else they share is a tell).
 */
export function believabilityIni(archetypes: readonly ArchetypeSlug[]): string {
  return archetypes
    .map((slug) => {
      const archetype = ARCHETYPES.find((a) => a.slug === slug)
      const distro = archetype?.preferredDistros[0]
      return `[${slug}]\narchetype = ${slug}\n${distro ? `distro = ${distro}\n` : ''}amount = 2\n`
    })
    .join('\n')
}

/** Deploys at a time: Docker serialises network sandbox setup, so more only queue inside the daemon. */
const DEPLOY_CONCURRENCY = 6

/** Plans the INI on a fresh /24 and deploys every decky at once; throws with every failed decky. */
export async function deployFleet(
  docker: Docker,
  image: string,
  archetypes: readonly ArchetypeSlug[],
): Promise<Fleet> {
  const instance = testInstance()
  const network = bridgeNetwork()
  const ini = parseFleetIni(believabilityIni(archetypes))
  const planned = planDeploy({
    existing: [],
    network: { subnet: network.subnet, gateway: network.gateway },
    ini,
    replaceFleet: false,
    random: seededRandom(Date.now()),
    // As the API plans: personas booted days before this deploy, not before a fixed past date.
    now: Date.now(),
  })
  if (!planned.ok) throw planned.error
  const deckies: FleetDecky[] = planned.plan.create.map((row) => {
    const siblings = ini.deckies.filter((d) => d.section === row.archetype)
    const twin = siblings.findIndex((d) => d.name === row.name) === 0 ? 1 : 2
    if (!row.archetype) throw new Error(`${row.name} was planned without its archetype`)
    return { archetype: row.archetype, twin, spec: deckySpecFor(row) }
  })
  const engine = new DockerEngine({
    image,
    instance,
    networkName: `${instance}_lan`,
    readinessTimeoutMs: 120_000,
    // Thirty deckies at once keep Docker 20.10 busy for longer than the default call timeout.
    callTimeoutMs: 90_000,
  })
  const started = Date.now()
  const results = await inBatches(deckies, DEPLOY_CONCURRENCY, ({ spec }) => engine.deploy(spec, network))
  const deploySeconds = (Date.now() - started) / 1000
  const fleet: Fleet = { instance, deckies, deploySeconds, teardown: () => removeInstance(docker, instance) }
  const failures = results.flatMap((result, i) =>
    result.status === 'rejected' ? [`${deckies[i]?.spec.name}: ${String(result.reason)}`] : [],
  )
  if (failures.length) {
    await fleet.teardown()
    throw new Error(`deploy failed:\n${failures.join('\n')}`)
  }
  return fleet
}
