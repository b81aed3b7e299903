// The deploy wizard's state: what the operator has chosen so far (the draft), which step is shown,
// and what the last deploy returned. The reducer is pure so every transition is unit-testable.
import type { ArchetypeSlug, ConfigValue, ServiceSlug } from '@decnet/core'

export const STEPS = ['Services', 'Configure', 'Mutation', 'Review', 'Deploy'] as const
export type StepIndex = 0 | 1 | 2 | 3 | 4
export const REVIEW_STEP = 3
export const PROGRESS_STEP = 4

/** Per-service settings the operator typed; a missing key keeps the service default. */
export type ServiceSettings = Partial<Record<ServiceSlug, Record<string, ConfigValue>>>

/** A topology network the operator declared (`[network.<name>]`); `id` survives renames. */
export interface DraftNetwork {
  id: number
  name: string
  subnet: string
  /** The one network reachable from outside; the others are reached through pivots. */
  entry: boolean
}

export interface Draft {
  pickMode: 'archetype' | 'services'
  archetype: ArchetypeSlug | null
  picked: ServiceSlug[]
  /** A distro slug, or '' for automatic. */
  distro: string
  namingMode: 'prefix' | 'explicit'
  prefix: string
  count: number
  explicitNames: string
  ipMode: 'auto' | 'explicit'
  explicitIps: string
  /** A host name, or '' to let DECNET place each decky on the host with the most free capacity. */
  placement: string
  settings: ServiceSettings
  intervalMode: 'global' | 'custom'
  interval: string
  ownIni: boolean
  customIni: string
  replaceFleet: boolean
  /** Topology networks; none means the fleet's flat LAN. */
  networks: DraftNetwork[]
  /** Per planned decky (by position), the ids of the networks it joins; none: the entry network. */
  memberships: number[][]
}

export interface Submitted {
  ids: string[]
  teardownIds: string[]
  message: string
}

export interface WizardState {
  step: StepIndex
  draft: Draft
  submitted: Submitted | null
}

export const MAX_COUNT = 100

export const initialDraft: Draft = {
  pickMode: 'archetype',
  archetype: null,
  picked: [],
  distro: '',
  namingMode: 'prefix',
  prefix: 'decky',
  count: 1,
  explicitNames: '',
  ipMode: 'auto',
  explicitIps: '',
  placement: '',
  settings: {},
  intervalMode: 'global',
  interval: '30m',
  ownIni: false,
  customIni: '',
  replaceFleet: false,
  networks: [],
  memberships: [],
}

export const initialWizard: WizardState = { step: 0, draft: initialDraft, submitted: null }

/** The draft's either/or fields (the wizard shows each as a radiogroup). */
export type ChoiceField = 'pickMode' | 'namingMode' | 'ipMode' | 'intervalMode'

type PlainField = Exclude<
  keyof Draft,
  'settings' | 'picked' | 'count' | 'ownIni' | 'interval' | 'networks' | 'memberships'
>

export type WizardAction =
  | { [K in PlainField]: { type: 'set'; field: K; value: Draft[K] } }[PlainField]
  | { type: 'toggleService'; slug: ServiceSlug; on: boolean }
  | { type: 'setCount'; value: number }
  | { type: 'setSetting'; slug: ServiceSlug; key: string; value: ConfigValue | undefined }
  /** Typing an interval means the operator wants a custom one. */
  | { type: 'setInterval'; value: string }
  /** `generatedIni` seeds the editor the first time, so the operator edits what the wizard built. */
  | { type: 'setOwnIni'; on: boolean; generatedIni: string }
  /** The first network added is the entry network. */
  | { type: 'addNetwork' }
  | { type: 'setNetwork'; id: number; patch: Partial<Pick<DraftNetwork, 'name' | 'subnet'>> }
  /** Exactly one entry network: choosing one unsets the others. */
  | { type: 'setEntryNetwork'; id: number }
  | { type: 'removeNetwork'; id: number }
  | { type: 'setMembership'; decky: number; network: number; on: boolean }
  | { type: 'next' }
  | { type: 'back' }
  | { type: 'deployed'; submitted: Submitted }
  /** "Deploy more": back to the first step, keeping the choices. */
  | { type: 'restart' }

const clampStep = (step: number): StepIndex => Math.max(0, Math.min(REVIEW_STEP, step)) as StepIndex

function withDraft(state: WizardState, patch: Partial<Draft>): WizardState {
  return { ...state, draft: { ...state.draft, ...patch } }
}

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  const { draft } = state
  switch (action.type) {
    case 'set':
      return withDraft(state, { [action.field]: action.value })
    case 'toggleService': {
      const without = draft.picked.filter((slug) => slug !== action.slug)
      return withDraft(state, { picked: action.on ? [...without, action.slug] : without })
    }
    case 'setCount': {
      const count = Number.isFinite(action.value) ? Math.trunc(action.value) : 1
      return withDraft(state, { count: Math.max(1, Math.min(MAX_COUNT, count)) })
    }
    case 'setSetting': {
      const current = { ...(draft.settings[action.slug] ?? {}) }
      if (action.value === undefined) delete current[action.key]
      else current[action.key] = action.value
      return withDraft(state, { settings: { ...draft.settings, [action.slug]: current } })
    }
    case 'setInterval':
      return withDraft(state, { interval: action.value, intervalMode: 'custom' })
    case 'setOwnIni':
      return withDraft(state, {
        ownIni: action.on,
        customIni: action.on && draft.customIni === '' ? action.generatedIni : draft.customIni,
        replaceFleet: action.on ? draft.replaceFleet : false,
      })
    case 'addNetwork': {
      const id = Math.max(0, ...draft.networks.map((network) => network.id)) + 1
      const network = { id, name: `net-${id}`, subnet: '', entry: draft.networks.length === 0 }
      return withDraft(state, { networks: [...draft.networks, network] })
    }
    case 'setNetwork':
      return withDraft(state, {
        networks: draft.networks.map((network) =>
          network.id === action.id ? { ...network, ...action.patch } : network,
        ),
      })
    case 'setEntryNetwork':
      return withDraft(state, {
        networks: draft.networks.map((network) => ({ ...network, entry: network.id === action.id })),
      })
    case 'removeNetwork':
      return withDraft(state, {
        networks: draft.networks.filter((network) => network.id !== action.id),
        memberships: draft.memberships.map((ids) => ids.filter((id) => id !== action.id)),
      })
    case 'setMembership': {
      const memberships = [...draft.memberships]
      const current = (memberships[action.decky] ?? []).filter((id) => id !== action.network)
      memberships[action.decky] = action.on ? [...current, action.network] : current
      return withDraft(state, { memberships: Array.from(memberships, (ids) => ids ?? []) })
    }
    case 'next':
      return { ...state, step: clampStep(state.step + 1) }
    case 'back':
      return { ...state, step: clampStep(state.step - 1) }
    case 'deployed':
      return { ...state, step: PROGRESS_STEP, submitted: action.submitted }
    case 'restart':
      return { ...state, step: 0, submitted: null }
  }
}
