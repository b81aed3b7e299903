// Step 5: live progress of what the deploy submitted; leaving the page cancels nothing.
import { LifecycleProgress } from '@/components/lifecycle-progress.tsx'
import type { Submitted } from '../wizard/draft.ts'

export function ProgressStep({ submitted, onEvent }: { submitted: Submitted; onEvent: () => void }) {
  return (
    <section aria-labelledby="step-progress">
      <h2 id="step-progress" style={{ marginTop: 0 }}>
        Live progress
      </h2>
      <p className="muted">
        {submitted.message}. Closing this page does not cancel the deploy: the fleet page keeps showing its
        progress.
      </p>
      {submitted.ids.length > 0 ? (
        <LifecycleProgress ids={submitted.ids} testId="deploy-progress" onEvent={onEvent} />
      ) : (
        <p>No new decky was submitted.</p>
      )}
      {submitted.teardownIds.length > 0 && (
        <>
          <h3>Teardowns</h3>
          <LifecycleProgress ids={submitted.teardownIds} testId="teardown-progress" />
        </>
      )}
    </section>
  )
}
