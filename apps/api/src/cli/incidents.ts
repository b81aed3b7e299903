// `decnet incidents …`: list, show, acknowledge and resolve incidents, and manage the ignore rules.
import {
  IGNORE_RULE_KINDS,
  type IgnoreRuleKind,
  INCIDENT_STATES,
  type Incident,
  type IncidentState,
  SEVERITIES,
  type Severity,
} from '@decnet/core'
import { Argument, type Command, Option } from 'commander'
import type { ApiClient } from './client.ts'
import { renderLines } from './table.ts'
import { terminalSafe } from './terminal-text.ts'

/** What the incident commands need from the CLI around them. */
export type CliIo = {
  signedIn: () => ApiClient
  print: (data: unknown, human: () => string) => void
}

/** Attacker-controlled text: control characters never reach a terminal as such. */
const safe = terminalSafe

function incidentLine(incident: Incident): string {
  const more = incident.deckies.length > 1 ? ` (+${incident.deckies.length - 1})` : ''
  return [
    incident.id,
    incident.severity.padEnd(8),
    incident.state.padEnd(12),
    safe(incident.attackerIp).padEnd(15),
    `${safe(incident.decky)}${more}`.padEnd(24),
    String(incident.eventCount).padStart(6),
    ` ${incident.lastSeen}`,
    ` ${incident.services.map(safe).join(',')}`,
  ].join(' ')
}

function incidentDetail(incident: Incident): string[] {
  return [
    `incident ${incident.id}: ${incident.severity}, ${incident.state}`,
    `  source     ${safe(incident.attackerIp)}`,
    `  deckies    ${incident.deckies.map(safe).join(', ')}`,
    `  services   ${incident.services.map(safe).join(', ')}`,
    `  seen       ${incident.firstSeen} … ${incident.lastSeen} (${incident.eventCount} events)`,
    ...incident.reasons.map((reason) => `  reason     ${safe(reason)}`),
    ...(incident.acknowledgedBy
      ? [`  acknowledged by ${incident.acknowledgedBy} at ${incident.acknowledgedAt}`]
      : []),
    ...(incident.resolvedAt ? [`  resolved   ${incident.resolvedAt}`] : []),
    ...(incident.note ? [`  note       ${safe(incident.note)}`] : []),
  ]
}

function listOf<T extends string>(
  text: string | undefined,
  allowed: readonly T[],
  what: string,
): T[] | undefined {
  if (text === undefined) return undefined
  const values = text.split(',').map((value) => value.trim())
  const unknown = values.filter((value) => !(allowed as readonly string[]).includes(value))
  if (unknown.length > 0)
    throw new Error(`unknown ${what} ${unknown.join(', ')} (one of ${allowed.join(', ')})`)
  return values as T[]
}

export function registerIncidentCommands(program: Command, { signedIn, print }: CliIo): void {
  const incidents = program
    .command('incidents')
    .description('attacks grouped per source: list, show, acknowledge and resolve them; ignore rules')

  incidents
    .command('list', { isDefault: true })
    .description('incidents, most recently active first')
    .option('--state <states>', `comma list of ${INCIDENT_STATES.join(', ')}`)
    .addOption(new Option('--severity <level>', 'this severity or worse').choices(SEVERITIES))
    .option('--decky <name>', 'incidents that touched this decky')
    .option('--ip <address>', 'incidents of this source address')
    .option('--from <iso-time>', 'active at or after this time')
    .option('--to <iso-time>', 'active at or before this time')
    .option('-n, --limit <n>', 'rows', '50')
    .action(
      async (options: {
        state?: string
        severity?: Severity
        decky?: string
        ip?: string
        from?: string
        to?: string
        limit: string
      }) => {
        const states = listOf<IncidentState>(options.state, INCIDENT_STATES, 'state')
        const result = await signedIn().incidents.list.query({
          limit: Number(options.limit),
          ...(states ? { states } : {}),
          ...(options.severity ? { minSeverity: options.severity } : {}),
          ...(options.decky ? { decky: options.decky } : {}),
          ...(options.ip ? { attackerIp: options.ip } : {}),
          ...(options.from ? { from: options.from } : {}),
          ...(options.to ? { to: options.to } : {}),
        })
        print(result, () =>
          result.rows.length === 0
            ? 'no incidents match'
            : [...result.rows.map(incidentLine), `${result.total} matching`].join('\n'),
        )
      },
    )

  incidents
    .command('show <id>')
    .description('one incident with its most recent events')
    .action(async (id: string) => {
      const incident = await signedIn().incidents.get.query({ id })
      print(incident, () =>
        [
          ...incidentDetail(incident),
          `  events (newest first${incident.moreEvents ? `, ${incident.events.length} most recent` : ''}):`,
          ...incident.events.map(
            (event) =>
              `    ${event.timestamp}  ${safe(event.decky).padEnd(16)} ${safe(event.service).padEnd(10)} ${safe(event.eventType).padEnd(14)} ${safe(JSON.stringify(event.fields)).slice(0, 120)}`,
          ),
        ].join('\n'),
      )
    })

  incidents
    .command('ack <id>')
    .description('acknowledge an open incident (admins)')
    .option('--note <text>', 'why, for the next operator (at most 2,000 characters)')
    .action(async (id: string, options: { note?: string }) => {
      const incident = await signedIn().incidents.acknowledge.mutate({
        id,
        ...(options.note !== undefined ? { note: options.note } : {}),
      })
      print(incident, () => `acknowledged incident ${incident.id} (${safe(incident.attackerIp)})`)
    })

  incidents
    .command('resolve <id>')
    .description('resolve an open or acknowledged incident (admins)')
    .option('--note <text>', 'how it ended (at most 2,000 characters)')
    .action(async (id: string, options: { note?: string }) => {
      const incident = await signedIn().incidents.resolve.mutate({
        id,
        ...(options.note !== undefined ? { note: options.note } : {}),
      })
      print(incident, () => `resolved incident ${incident.id} (${safe(incident.attackerIp)})`)
    })

  const ignore = incidents
    .command('ignore')
    .description('rules that keep matching traffic from opening incidents (admins change them)')

  ignore
    .command('list', { isDefault: true })
    .description('every ignore rule')
    .action(async () => {
      const rules = await signedIn().incidents.ignoreRules.list.query()
      print(rules, () =>
        renderLines(
          rules,
          (rule) =>
            `${rule.id}  ${rule.kind.padEnd(8)} ${rule.value.padEnd(20)} ${rule.createdBy.padEnd(12)} ${rule.createdAt}${rule.note ? `  ${safe(rule.note)}` : ''}`,
          'no ignore rules',
        ),
      )
    })

  ignore
    .command('add')
    .description('add a rule, e.g. `cidr 198.51.100.0/24`, `service ssh`, `decky web-01`')
    .addArgument(new Argument('<kind>', 'what the rule matches').choices(IGNORE_RULE_KINDS))
    .argument('<value>', 'a CIDR, a service slug, a decky name or a scanner name')
    .option('--note <text>', 'why this traffic is ignored')
    .action(async (kind: IgnoreRuleKind, value: string, options: { note?: string }) => {
      const rule = await signedIn().incidents.ignoreRules.add.mutate({
        kind,
        value,
        ...(options.note !== undefined ? { note: options.note } : {}),
      })
      print(rule, () => `added ignore rule ${rule.id}: ${rule.kind} ${rule.value}`)
    })

  ignore
    .command('remove <id>')
    .description('remove an ignore rule')
    .action(async (id: string) => {
      const result = await signedIn().incidents.ignoreRules.remove.mutate({ id })
      print(result, () => result.message)
    })
}
