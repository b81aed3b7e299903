// validateDraft: every problem the wizard can report, keyed by the step and field it belongs to.
// The messages live in one catalogue so the unit tests can prove each one is reachable.
import {
  checkInterval,
  DECKY_NAME_RE,
  encodeField,
  findPortConflict,
  isIpv4,
  NETWORK_NAME_RE,
  parseCidr,
} from '@decnet/core'
import { plural } from '@/lib/format.ts'
import type { Draft, StepIndex } from './draft.ts'
import {
  chosenSettings,
  cleanPrefix,
  type DraftContext,
  effectiveServices,
  findField,
  plannedIps,
  plannedNames,
} from './plan.ts'

export const DRAFT_MESSAGES = {
  noServices: () => 'Pick an archetype or at least one service.',
  portClash: (a: string, b: string, port: string) =>
    `${a} and ${b} both listen on ${port}; a decky can run only one of them.`,
  badPrefix: () =>
    'The prefix may hold only lower-case letters, digits and "-", starting with a letter or digit.',
  noNames: () => 'Enter at least one decky name.',
  badName: (name: string) => `"${name}" is not a valid decky name (a-z, 0-9, "-").`,
  nameTaken: (name: string) => `"${name}" already exists in the fleet.`,
  nameRepeated: () => 'A name is repeated.',
  ipCount: (deckies: number, ips: number) =>
    `Give exactly one IP per decky (${plural(deckies, 'decky', 'deckies')}, ${ips} IPs).`,
  badIp: (ip: string) => `"${ip}" is not an IPv4 address.`,
  ipRepeated: () => 'An IP address is repeated.',
  badSetting: (service: string, label: string, reason: string) => `${service} · ${label}: ${reason}.`,
  badNetworkName: (name: string) =>
    `"${name}" is not a valid network name (a lower-case letter, then a-z, 0-9, "-"; at most 24).`,
  networkRepeated: () => 'A network name is repeated.',
  badSubnet: (name: string) => `Network "${name}" needs a subnet in CIDR form, e.g. 10.77.2.0/24.`,
  entryCount: () => 'Mark exactly one network as the entry network (the one reachable from outside).',
  networksWithHost: () => 'A topology runs on this machine: set the host to automatic.',
  badInterval: () => 'The mutation interval must look like 30m, 2h, 1d or 1w (at most 10y).',
  /** Shown on the review step if the INI writer refuses a draft (validation should prevent it). */
  iniNotWritable: (reason: string) => `The INI cannot be written: ${reason}`,
} as const
export type DraftMessageKey = keyof typeof DRAFT_MESSAGES

type FieldErrors<Field extends string> = Partial<Record<Field, string[]>>

/** Errors by step, then by field; a step may be left only when its fields (and earlier ones) are clean. */
export interface DraftErrors {
  services: FieldErrors<'services'>
  configure: FieldErrors<'names' | 'ips' | 'settings' | 'networks'>
  mutation: FieldErrors<'interval'>
}
export type ValidatedStep = keyof DraftErrors
const VALIDATED_STEPS: readonly ValidatedStep[] = ['services', 'configure', 'mutation']

function validateServices(draft: Draft, context: DraftContext): DraftErrors['services'] {
  const services = effectiveServices(draft, context)
  if (services.length === 0) return { services: [DRAFT_MESSAGES.noServices()] }
  const clash = findPortConflict(services)
  if (clash) {
    const port = `${clash.port.port}/${clash.port.protocol}`
    return { services: [DRAFT_MESSAGES.portClash(clash.a, clash.b, port)] }
  }
  return {}
}

function validateNames(draft: Draft, names: readonly string[], taken: ReadonlySet<string>): string[] {
  if (draft.namingMode === 'prefix') {
    return DECKY_NAME_RE.test(`${cleanPrefix(draft.prefix)}-01`) ? [] : [DRAFT_MESSAGES.badPrefix()]
  }
  const problems: string[] = names.length === 0 ? [DRAFT_MESSAGES.noNames()] : []
  for (const name of names) {
    if (!DECKY_NAME_RE.test(name)) problems.push(DRAFT_MESSAGES.badName(name))
    else if (taken.has(name)) problems.push(DRAFT_MESSAGES.nameTaken(name))
  }
  if (new Set(names).size !== names.length) problems.push(DRAFT_MESSAGES.nameRepeated())
  return problems
}

function validateIps(draft: Draft, deckies: number): string[] {
  if (draft.ipMode !== 'explicit') return []
  const ips = plannedIps(draft)
  const problems = ips.filter((ip) => !isIpv4(ip)).map((ip) => DRAFT_MESSAGES.badIp(ip))
  if (ips.length !== deckies) problems.push(DRAFT_MESSAGES.ipCount(deckies, ips.length))
  if (new Set(ips).size !== ips.length) problems.push(DRAFT_MESSAGES.ipRepeated())
  return problems
}

function validateSettings(draft: Draft, context: DraftContext): string[] {
  const problems: string[] = []
  for (const [slug, values] of Object.entries(chosenSettings(draft, effectiveServices(draft, context)))) {
    const service = context.services.find((s) => s.slug === slug)
    for (const [key, value] of Object.entries(values)) {
      const field = findField(context, slug, key)
      // Settings come from the catalogue's own fields; an unknown key would be a stale draft.
      const encoded = field ? encodeField(field, value) : { ok: false as const, reason: 'no such setting' }
      if (!encoded.ok) {
        problems.push(DRAFT_MESSAGES.badSetting(service?.name ?? slug, field?.label ?? key, encoded.reason))
      }
    }
  }
  return problems
}

function validateNetworks(draft: Draft): string[] {
  if (draft.networks.length === 0) return []
  const problems: string[] = []
  const names = draft.networks.map((network) => network.name.trim())
  for (const network of draft.networks) {
    const name = network.name.trim()
    if (!NETWORK_NAME_RE.test(name)) problems.push(DRAFT_MESSAGES.badNetworkName(name))
    if (!parseCidr(network.subnet.trim()).ok) problems.push(DRAFT_MESSAGES.badSubnet(name))
  }
  if (new Set(names).size !== names.length) problems.push(DRAFT_MESSAGES.networkRepeated())
  if (draft.networks.filter((network) => network.entry).length !== 1)
    problems.push(DRAFT_MESSAGES.entryCount())
  if (draft.placement) problems.push(DRAFT_MESSAGES.networksWithHost())
  return problems
}

const nonEmpty = <Field extends string>(errors: Record<Field, string[]>): FieldErrors<Field> =>
  Object.fromEntries(
    Object.entries(errors).filter(([, list]) => (list as string[]).length > 0),
  ) as FieldErrors<Field>

export function validateDraft(draft: Draft, context: DraftContext): DraftErrors {
  const names = plannedNames(draft, context.taken)
  return {
    services: validateServices(draft, context),
    configure: nonEmpty({
      names: validateNames(draft, names, context.taken),
      ips: validateIps(draft, names.length),
      settings: validateSettings(draft, context),
      networks: validateNetworks(draft),
    }),
    mutation:
      draft.intervalMode === 'custom' && !checkInterval(draft.interval).ok
        ? { interval: [DRAFT_MESSAGES.badInterval()] }
        : {},
  }
}

/** Every message of one step, in field order. */
export function stepMessages(errors: DraftErrors, step: ValidatedStep): string[] {
  return Object.values(errors[step]).flatMap((list) => list ?? [])
}

/** "Next" on `step` is allowed when that step and every earlier one are clean. */
export function canLeaveStep(errors: DraftErrors, step: StepIndex): boolean {
  return VALIDATED_STEPS.slice(0, step + 1).every((s) => stepMessages(errors, s).length === 0)
}
