// The attacker's class from its accumulated counters and matched tools, with the evidence that
// decided it. Thresholds are data; bump CLASSIFICATION_VERSION when they or the order change.
import { type ToolRole, toolDefinition } from './rules/tools.ts'
import type { AttackerClass, AttackerClassification, AttackerIntelSummary } from './types.ts'

export const CLASSIFICATION_VERSION = '1.0.0'

export const CLASSIFICATION_THRESHOLDS = {
  /** Login attempts from which an attacker is a brute-forcer whatever its tool. */
  bruteForceAttempts: 5,
  /** Distinct credentials tried from which an attacker is a brute-forcer. */
  bruteForceCredentials: 5,
  /** Services touched from which an attacker is a scanner. */
  scannerServices: 3,
  /** Requests (HTTP and protocol verbs) from which an attacker is a scanner. */
  scannerRequests: 20,
  /** Shell commands this many or more, all within `scriptedSeconds` of the first event: a script. */
  scriptedCommands: 5,
  scriptedSeconds: 5,
} as const

/** Classes in decreasing precedence: the first whose signals are present decides. */
const PRECEDENCE: readonly Exclude<AttackerClass, 'unknown'>[] = [
  'bot',
  'interactive',
  'brute_forcer',
  'scanner',
]

const SCANNER_ROLES: ReadonlySet<ToolRole> = new Set(['scanner', 'vuln_scanner'])

export function classifyAttacker(summary: AttackerIntelSummary): AttackerClassification {
  const signals: Record<Exclude<AttackerClass, 'unknown'>, string[]> = {
    bot: botSignals(summary),
    interactive: interactiveSignals(summary),
    brute_forcer: bruteForceSignals(summary),
    scanner: scannerSignals(summary),
  }
  const decided = PRECEDENCE.find((name) => signals[name].length > 0)
  if (!decided) {
    return {
      class: 'unknown',
      evidence: [
        `${plural(summary.eventCount, 'event')} on ${plural(summary.serviceCount, 'service')}: no scanning, login or shell pattern yet`,
      ],
    }
  }
  const evidence = [...signals[decided]]
  for (const other of PRECEDENCE) {
    if (other !== decided && signals[other].length > 0)
      evidence.push(`also ${LABELS[other]}: ${signals[other][0]}`)
  }
  return { class: decided, evidence }
}

const LABELS: Record<Exclude<AttackerClass, 'unknown'>, string> = {
  bot: 'bot-like',
  interactive: 'interactive',
  brute_forcer: 'brute-forcing',
  scanner: 'scanning',
}

function toolsWithRole(summary: AttackerIntelSummary, roles: ReadonlySet<ToolRole>): string[] {
  const names: string[] = []
  for (const id of summary.tools) {
    const tool = toolDefinition(id)
    if (tool && roles.has(tool.role)) names.push(tool.name)
  }
  return names
}

function botSignals(summary: AttackerIntelSummary): string[] {
  const b = summary.behaviour
  const reasons: string[] = []
  const bots = toolsWithRole(summary, new Set(['bot']))
  if (bots.length > 0) reasons.push(`known bot signature: ${bots.join(', ')}`)
  const exec = b.execCommands ?? 0
  const typed = b.interactiveCommands ?? 0
  if (exec > 0 && typed === 0 && (b.interactiveSessions ?? 0) === 0) {
    reasons.push(`${plural(exec, 'command')} sent as \`ssh host command\`, never a shell`)
  }
  const spanSeconds = (summary.lastSeen.getTime() - summary.firstSeen.getTime()) / 1000
  const { scriptedCommands, scriptedSeconds } = CLASSIFICATION_THRESHOLDS
  if (typed + exec >= scriptedCommands && spanSeconds <= scriptedSeconds) {
    reasons.push(
      `${plural(typed + exec, 'command')} within ${formatSeconds(spanSeconds)} of first contact: scripted`,
    )
  }
  return reasons
}

function interactiveSignals(summary: AttackerIntelSummary): string[] {
  const b = summary.behaviour
  const typed = b.interactiveCommands ?? 0
  const sessions = b.interactiveSessions ?? 0
  if (typed === 0 && sessions === 0) return []
  const where = sessions > 0 ? ` in ${plural(sessions, 'terminal session')}` : ' in a shell'
  const reasons = [`${plural(typed, 'command')} typed${where}`]
  if ((b.downloads ?? 0) > 0) reasons.push(`${plural(b.downloads ?? 0, 'file')} brought onto the decky`)
  return reasons
}

function bruteForceSignals(summary: AttackerIntelSummary): string[] {
  const b = summary.behaviour
  const attempts = b.authAttempts ?? 0
  const failures = b.authFailures ?? 0
  const tools = toolsWithRole(summary, new Set(['brute_forcer']))
  const { bruteForceAttempts, bruteForceCredentials } = CLASSIFICATION_THRESHOLDS
  const reasons: string[] = []
  if (
    attempts >= bruteForceAttempts ||
    summary.credentialCount >= bruteForceCredentials ||
    (tools.length > 0 && attempts > 0)
  ) {
    const span = formatSeconds((summary.lastSeen.getTime() - summary.firstSeen.getTime()) / 1000)
    reasons.push(
      `${plural(attempts, 'login attempt')} (${failures} failed) with ${plural(summary.credentialCount, 'credential')} over ${span}`,
    )
  }
  if (tools.length > 0) reasons.push(`brute-force tool: ${tools.join(', ')}`)
  return reasons
}

function scannerSignals(summary: AttackerIntelSummary): string[] {
  const b = summary.behaviour
  const reasons: string[] = []
  const tools = toolsWithRole(summary, SCANNER_ROLES)
  if (tools.length > 0) reasons.push(`scanning tool: ${tools.join(', ')}`)
  const probes = b.probePayloads ?? 0
  if (probes > 0)
    reasons.push(`${plural(probes, 'probe')} a client would not send (malformed or fingerprinting payloads)`)
  if (summary.serviceCount >= CLASSIFICATION_THRESHOLDS.scannerServices) {
    reasons.push(
      `touched ${plural(summary.serviceCount, 'service')} on ${plural(summary.deckyCount, 'decky', 'deckies')}`,
    )
  }
  const requests = b.requests ?? 0
  if (requests >= CLASSIFICATION_THRESHOLDS.scannerRequests)
    reasons.push(`${plural(requests, 'request')} sent`)
  return reasons
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`
  return `${(seconds / 3600).toFixed(1)} h`
}
