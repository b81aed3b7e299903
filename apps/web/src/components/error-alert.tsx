import { errorMessage } from '@/lib/errors.ts'

/** A failed request's message, announced to screen readers as an alert. */
export function ErrorAlert({ error, testId }: { error: unknown; testId?: string }) {
  return (
    <p className="alert" role="alert" data-testid={testId}>
      {errorMessage(error)}
    </p>
  )
}
