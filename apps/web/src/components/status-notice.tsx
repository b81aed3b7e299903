/** What an operation just did, as a status line the operator can dismiss; nothing while `message` is null. */
export function StatusNotice({
  message,
  testId,
  onDismiss,
}: {
  message: string | null
  testId: string
  onDismiss: () => void
}) {
  if (!message) return null
  return (
    <p className="notice" role="status" data-testid={testId}>
      {message}{' '}
      <button type="button" className="link" onClick={onDismiss}>
        dismiss
      </button>
    </p>
  )
}
