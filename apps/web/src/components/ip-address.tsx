// An IP address (optionally with its port) that never wraps mid-address, wherever it is shown.
// Attacker addresses are attacker-influenced text, so it goes through SafeText like the rest.
import '@/styles/operations.css'
import { SafeText } from './safe-text.tsx'

export function IpAddress({
  value,
  port,
  testId,
}: {
  value: string
  port?: number | null | undefined
  testId?: string
}) {
  // 45 characters hold the longest IPv6 text form; the port adds at most 6.
  return (
    <span className="ip-address mono" data-testid={testId} data-ip="">
      <SafeText value={port ? `${value}:${port}` : value} limit={64} />
    </span>
  )
}
