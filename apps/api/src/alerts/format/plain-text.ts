// The plain-text rendering of an alert (email text part; readable in any terminal). Control
// characters in attacker text are neutralised so a summary cannot forge extra lines.
import type { AlertMessage } from '@decnet/core'
import { alertFacts, eventLine, reasonText, withoutControlCharacters } from './alert-facts.ts'

export function renderAlertText(message: AlertMessage): string {
  const clean = withoutControlCharacters
  const lines = [`${reasonText(message)}: ${clean(message.title)}`, '']
  const facts = alertFacts(message)
  const width = Math.max(...facts.map((f) => f.label.length)) + 1
  for (const fact of facts) lines.push(`${`${fact.label}:`.padEnd(width)} ${clean(fact.value)}`)
  if (message.events.length > 0) {
    lines.push('', 'Recent events:')
    for (const event of message.events) lines.push(`  ${clean(eventLine(event))}`)
  }
  if (message.url) lines.push('', `Open in the console: ${clean(message.url)}`)
  lines.push('', '-- DECNET')
  return `${lines.join('\n')}\n`
}
