// What a draft means: the deckies it would create (names, IPs, services, settings), derived from
// the draft and the catalogue/fleet the API returned. Shared by validation, INI rendering and the UI.
import type {
  Archetype,
  ConfigField,
  ConfigValue,
  PlannedDeckyOutput,
  ServiceDefinition,
  ServiceSlug,
} from '@decnet/core'
import type { Draft } from './draft.ts'

/** The catalogue and fleet facts a draft is read against (all from the API). */
export interface DraftContext {
  services: readonly Pick<ServiceDefinition, 'slug' | 'name' | 'config'>[]
  archetypes: readonly Pick<Archetype, 'slug' | 'services'>[]
  /** Names already in the fleet. */
  taken: ReadonlySet<string>
}

export type SettingsBySlug = Record<string, Record<string, ConfigValue>>

export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter(Boolean)
}

/** The prefix as the operator meant it: lower case, spaces as dashes. */
export function cleanPrefix(prefix: string): string {
  return prefix.trim().toLowerCase().replace(/\s+/g, '-')
}

/** `<prefix>-NN` names that collide neither with the fleet nor with each other. */
export function freeNames(prefix: string, count: number, taken: ReadonlySet<string>): string[] {
  const names: string[] = []
  for (let i = 1; names.length < count && i < 100_000; i++) {
    const candidate = `${prefix}-${String(i).padStart(2, '0')}`
    if (!taken.has(candidate)) names.push(candidate)
  }
  return names
}

export function plannedNames(draft: Draft, taken: ReadonlySet<string>): string[] {
  return draft.namingMode === 'prefix'
    ? freeNames(cleanPrefix(draft.prefix), draft.count, taken)
    : splitList(draft.explicitNames)
}

export function plannedIps(draft: Draft): string[] {
  return draft.ipMode === 'explicit' ? splitList(draft.explicitIps) : []
}

/** The services the deckies will run: the archetype's, or the ones picked by hand. */
export function effectiveServices(draft: Draft, context: Pick<DraftContext, 'archetypes'>): ServiceSlug[] {
  if (draft.pickMode === 'services') return draft.picked
  return [...(context.archetypes.find((a) => a.slug === draft.archetype)?.services ?? [])]
}

/** Settings of the effective services only, empty values dropped (they mean "the default"). */
export function chosenSettings(draft: Draft, services: readonly ServiceSlug[]): SettingsBySlug {
  const out: SettingsBySlug = {}
  for (const slug of services) {
    const kept = Object.entries(draft.settings[slug] ?? {}).filter(([, v]) => v !== undefined && v !== '')
    if (kept.length > 0) out[slug] = Object.fromEntries(kept)
  }
  return out
}

export function isSecretField(field: Pick<ConfigField, 'secret' | 'type'> | undefined): boolean {
  return field?.secret === true || field?.type === 'password'
}

export function findField(
  context: Pick<DraftContext, 'services'>,
  slug: string,
  key: string,
): ConfigField | undefined {
  return context.services.find((s) => s.slug === slug)?.config.find((f) => f.key === key)
}

/** A fresh plan seed (32 hex digits, 128 bits from the browser's CSPRNG) for fleet.preview/deploy. */
export function newPlanSeed(): string {
  const words = crypto.getRandomValues(new Uint32Array(4))
  return Array.from(words, (word) => word.toString(16).padStart(8, '0')).join('')
}

type PreviewRow = Pick<
  PlannedDeckyOutput,
  'name' | 'ip' | 'mac' | 'hostname' | 'distro' | 'osFamily' | 'services' | 'hostId'
>

/**
 * What the operator saw in the preview, as fleet.deploy's `expected`: only what a deploy must
 * reproduce (settings, secrets among them, stay out of the request and its audit record).
 */
export function expectationOf(preview: {
  create: readonly PreviewRow[]
  keep: readonly string[]
  remove: readonly string[]
}): {
  create: PreviewRow[]
  keep: string[]
  remove: string[]
} {
  return {
    create: preview.create.map(({ name, ip, mac, hostname, distro, osFamily, services, hostId }) => ({
      name,
      ip,
      mac,
      hostname,
      distro,
      osFamily,
      services: [...services],
      hostId,
    })),
    keep: [...preview.keep],
    remove: [...preview.remove],
  }
}

/**
 * The networks each planned decky joins, by name, in the order the networks are listed (its first
 * holds its address); empty for a decky that joins the entry network only, and for every decky of a
 * draft without networks.
 */
export function plannedNetworks(draft: Draft, deckies: number): string[][] {
  return Array.from({ length: deckies }, (_, index) => {
    const joined = new Set(draft.memberships[index] ?? [])
    return draft.networks.filter((network) => joined.has(network.id)).map((network) => network.name.trim())
  })
}
