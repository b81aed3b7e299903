// Step 3: follow the global mutation interval or set one for these deckies.
import type { Dispatch } from 'react'
import type { Draft, WizardAction } from '../wizard/draft.ts'

interface Props {
  draft: Draft
  dispatch: Dispatch<WizardAction>
  globalInterval: string | null | undefined
  problems: string[]
}

export function MutationStep({ draft, dispatch, globalInterval, problems }: Props) {
  return (
    <section aria-labelledby="step-mutation" className="panel">
      <h2 id="step-mutation" style={{ marginTop: 0 }}>
        Mutation interval
      </h2>
      <p className="muted">
        The mutator periodically swaps each decky&apos;s services. The global interval is{' '}
        <strong>{globalInterval ?? 'off'}</strong>.
      </p>
      <div className="stack" role="radiogroup" aria-label="Mutation interval">
        <label>
          <input
            type="radio"
            name="interval-mode"
            checked={draft.intervalMode === 'global'}
            onChange={() => dispatch({ type: 'set', field: 'intervalMode', value: 'global' })}
          />
          Follow the global interval
        </label>
        <label>
          <input
            type="radio"
            name="interval-mode"
            checked={draft.intervalMode === 'custom'}
            onChange={() => dispatch({ type: 'set', field: 'intervalMode', value: 'custom' })}
          />
          Mutate every
          <input
            aria-label="Custom mutation interval"
            size={6}
            value={draft.interval}
            onChange={(e) => dispatch({ type: 'setInterval', value: e.target.value })}
          />
          <span className="muted small">(30m, 2h, 1d, 1w…)</span>
        </label>
      </div>
      {problems.map((problem) => (
        <p key={problem} className="alert" role="alert">
          {problem}
        </p>
      ))}
    </section>
  )
}
