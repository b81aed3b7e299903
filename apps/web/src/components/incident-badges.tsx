import type { IncidentState, Severity } from '@decnet/core/schemas'

const SEVERITY_CLASS: Record<Severity, string> = {
  low: 'badge',
  medium: 'badge warn',
  high: 'badge bad',
  critical: 'badge bad critical',
}

const STATE_CLASS: Record<IncidentState, string> = {
  open: 'badge bad',
  acknowledged: 'badge warn',
  resolved: 'badge ok',
}

/** An incident's severity as a coloured badge (the word is always shown: colour is not the only cue). */
export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <span className={SEVERITY_CLASS[severity]} data-testid="incident-severity" data-severity={severity}>
      {severity}
    </span>
  )
}

export function IncidentStateBadge({ state }: { state: IncidentState }) {
  return (
    <span className={STATE_CLASS[state]} data-testid="incident-state" data-state={state}>
      {state}
    </span>
  )
}
