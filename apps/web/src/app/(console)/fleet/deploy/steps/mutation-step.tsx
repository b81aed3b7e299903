// Step 3: follow the global mutation interval or set one for these deckies.
import type { Dispatch } from 'react'
import type { Draft, WizardAction } from '../wizard/draft.ts'
import { DraftChoice } from './draft-choice.tsx'

interface Props {
  draft: Draft
  dispatch: Dispatch<WizardAction>
  globalInterval: string | null | undefined
  problems: string[]
}

export function MutationStep({ draft, dispatch, globalInterval, problems }: Props) {
  const wizard = { draft, dispatch }
  return (
    <section aria-labelledby="step-mutation" className="panel">
      <h2 id="step-mutation" style={{ marginTop: 0 }}>
        Mutation interval
      </h2>
      <p className="muted">
        The mutator periodically swaps each decky&apos;s services. The global interval is{' '}
        <strong>{globalInterval ?? 'off'}</strong>.
      </p>
      <DraftChoice
        label="Mutation interval"
        field="intervalMode"
        className="stack"
        wizard={wizard}
        options={[
          ['global', 'Follow the global interval'],
          [
            'custom',
            <>
              Mutate every
              <input
                aria-label="Custom mutation interval"
                size={6}
                value={draft.interval}
                onChange={(e) => dispatch({ type: 'setInterval', value: e.target.value })}
              />
              <span className="muted small">(30m, 2h, 1d, 1w…)</span>
            </>,
          ],
        ]}
      />
      {problems.map((problem) => (
        <p key={problem} className="alert" role="alert">
          {problem}
        </p>
      ))}
    </section>
  )
}
