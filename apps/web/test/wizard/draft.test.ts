// wizardReducer: each action's effect on the draft and the step, as a pure function.
import { describe, expect, it } from 'vitest'
import {
  initialWizard,
  MAX_COUNT,
  type WizardAction,
  type WizardState,
  wizardReducer,
} from '@/app/(console)/fleet/deploy/wizard/draft.ts'

const run = (...actions: WizardAction[]): WizardState => actions.reduce(wizardReducer, initialWizard)

describe('wizardReducer', () => {
  it('sets plain fields without touching the rest', () => {
    const state = run({ type: 'set', field: 'prefix', value: 'db' })
    expect(state.draft).toEqual({ ...initialWizard.draft, prefix: 'db' })
    expect(state.step).toBe(0)
  })

  it('toggles services in the order they were picked, never twice', () => {
    const state = run(
      { type: 'toggleService', slug: 'ssh', on: true },
      { type: 'toggleService', slug: 'http', on: true },
      { type: 'toggleService', slug: 'ssh', on: true },
      { type: 'toggleService', slug: 'http', on: false },
    )
    expect(state.draft.picked).toEqual(['ssh'])
  })

  it('keeps the count between 1 and the maximum, whole', () => {
    expect(run({ type: 'setCount', value: 0 }).draft.count).toBe(1)
    expect(run({ type: 'setCount', value: 5000 }).draft.count).toBe(MAX_COUNT)
    expect(run({ type: 'setCount', value: 3.7 }).draft.count).toBe(3)
    expect(run({ type: 'setCount', value: Number.NaN }).draft.count).toBe(1)
  })

  it('adds and removes one setting of one service', () => {
    const set = run(
      { type: 'setSetting', slug: 'ssh', key: 'user', value: 'root' },
      { type: 'setSetting', slug: 'ssh', key: 'hostname', value: 'box' },
      { type: 'setSetting', slug: 'ssh', key: 'user', value: undefined },
    )
    expect(set.draft.settings).toEqual({ ssh: { hostname: 'box' } })
  })

  it('typing an interval switches to a custom interval', () => {
    const state = run({ type: 'setInterval', value: '2h' })
    expect(state.draft).toMatchObject({ interval: '2h', intervalMode: 'custom' })
  })

  it('own INI: seeded from the generated one once, edits kept, replace mode cleared when turned off', () => {
    const on = run(
      { type: 'setOwnIni', on: true, generatedIni: '[a]\n' },
      { type: 'set', field: 'customIni', value: '[mine]\n' },
      { type: 'set', field: 'replaceFleet', value: true },
    )
    expect(on.draft).toMatchObject({ ownIni: true, customIni: '[mine]\n', replaceFleet: true })
    const off = wizardReducer(on, { type: 'setOwnIni', on: false, generatedIni: '[b]\n' })
    expect(off.draft).toMatchObject({ ownIni: false, customIni: '[mine]\n', replaceFleet: false })
    const again = wizardReducer(off, { type: 'setOwnIni', on: true, generatedIni: '[b]\n' })
    expect(again.draft.customIni).toBe('[mine]\n')
  })

  it('next/back stay within services..review; a deploy shows progress; deploy more keeps the choices', () => {
    expect(run({ type: 'back' }).step).toBe(0)
    const review = run({ type: 'next' }, { type: 'next' }, { type: 'next' }, { type: 'next' })
    expect(review.step).toBe(3)
    expect(wizardReducer(review, { type: 'back' }).step).toBe(2)
    const submitted = { ids: ['l1'], teardownIds: [], message: 'Deploying 1 decky' }
    const deployed = wizardReducer(
      { ...review, draft: { ...review.draft, prefix: 'web' } },
      { type: 'deployed', submitted },
    )
    expect(deployed).toMatchObject({ step: 4, submitted })
    const again = wizardReducer(deployed, { type: 'restart' })
    expect(again).toEqual({ step: 0, submitted: null, draft: { ...initialWizard.draft, prefix: 'web' } })
  })

  it('networks: the first added is the entry, one entry at a time, removal drops memberships', () => {
    const added = run({ type: 'addNetwork' }, { type: 'addNetwork' })
    expect(added.draft.networks.map((network) => [network.id, network.name, network.entry])).toEqual([
      [1, 'net-1', true],
      [2, 'net-2', false],
    ])
    const wired = [
      { type: 'setNetwork', id: 2, patch: { name: 'office', subnet: '10.77.2.0/24' } },
      { type: 'setEntryNetwork', id: 2 },
      { type: 'setMembership', decky: 1, network: 1, on: true },
      { type: 'setMembership', decky: 1, network: 2, on: true },
      { type: 'setMembership', decky: 1, network: 1, on: false },
    ] satisfies WizardAction[]
    const state = wired.reduce(wizardReducer, added)
    expect(state.draft.networks.map((network) => [network.name, network.subnet, network.entry])).toEqual([
      ['net-1', '', false],
      ['office', '10.77.2.0/24', true],
    ])
    expect(state.draft.memberships).toEqual([[], [2]])
    const removed = wizardReducer(state, { type: 'removeNetwork', id: 2 })
    expect(removed.draft.networks.map((network) => network.id)).toEqual([1])
    expect(removed.draft.memberships).toEqual([[], []])
    // The next network may take the removed one's id: no decky joins it until ticked.
    const readded = wizardReducer(removed, { type: 'addNetwork' })
    expect(readded.draft.networks.map((network) => [network.id, network.entry])).toEqual([
      [1, false],
      [2, false],
    ])
    expect(readded.draft.memberships).toEqual([[], []])
  })
})
