'use client'

/** Any rendering failure inside the console: say what happened and offer a retry, never a blank page. */
export default function ConsoleError({
  error,
  reset,
}: {
  error: Error & { digest?: string }
  reset: () => void
}) {
  return (
    <div className="alert" role="alert">
      <h1>Something went wrong on this page</h1>
      <p className="safe-text">{error.message}</p>
      <button type="button" onClick={reset}>
        Try again
      </button>
    </div>
  )
}
