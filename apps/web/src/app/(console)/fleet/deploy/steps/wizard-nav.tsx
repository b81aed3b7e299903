// The step list at the top and the Back / Next / Deploy buttons at the foot of the wizard.
import Link from 'next/link'
import type { Dispatch } from 'react'
import { PROGRESS_STEP, REVIEW_STEP, STEPS, type StepIndex, type WizardAction } from '../wizard/draft.ts'

export function StepList({ step }: { step: StepIndex }) {
  return (
    <ol className="steps">
      {STEPS.map((label, index) => (
        <li
          key={label}
          aria-current={index === step ? 'step' : undefined}
          className={index < step ? 'done' : ''}
        >
          {index + 1}. {label}
        </li>
      ))}
    </ol>
  )
}

interface FootProps {
  step: StepIndex
  dispatch: Dispatch<WizardAction>
  canNext: boolean
  canDeploy: boolean
  deploying: boolean
  replace: boolean
  onDeploy: () => void
  onRestart: () => void
}

export function WizardFoot({
  step,
  dispatch,
  canNext,
  canDeploy,
  deploying,
  replace,
  onDeploy,
  onRestart,
}: FootProps) {
  return (
    <div className="wizard-foot">
      <div className="row">
        {step > 0 && step < PROGRESS_STEP && (
          <button type="button" onClick={() => dispatch({ type: 'back' })}>
            Back
          </button>
        )}
      </div>
      <div className="row">
        {step < REVIEW_STEP && (
          <button
            type="button"
            className="primary"
            disabled={!canNext}
            onClick={() => dispatch({ type: 'next' })}
          >
            Next
          </button>
        )}
        {step === REVIEW_STEP && (
          <button
            type="button"
            className={replace ? 'danger primary' : 'primary'}
            disabled={!canDeploy}
            onClick={onDeploy}
            data-testid="deploy-button"
          >
            {deploying ? 'Deploying…' : replace ? 'Replace the fleet' : 'Deploy'}
          </button>
        )}
        {step === PROGRESS_STEP && (
          <>
            <button type="button" onClick={onRestart}>
              Deploy more
            </button>
            <Link href="/fleet" className="button primary">
              Go to the fleet
            </Link>
          </>
        )}
      </div>
    </div>
  )
}
