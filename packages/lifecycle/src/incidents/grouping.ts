// One grouping step: the next attack rows after the worker's cursor become incident updates and
// alert outbox rows, and the cursor moves past them, all in one transaction (db.incidents.inBatch).
// A crash before commit leaves everything as it was; the next run redoes the same rows.
import { createHash } from 'node:crypto'
import { type AlertMessage, type AlertReason, compareSeverity, type Severity } from '@decnet/core'
import {
  type AlertInput,
  extractCredential,
  type IncidentBatch,
  type IncidentRecord,
  type LogRow,
  toIncidentRow,
} from '@decnet/db'
import { type EscalationFloor, escalatesAtOnce } from './escalation.ts'
import { compileIgnoreRules } from './ignore-rules.ts'
import { judgeEvent, type SeverityRuleSet } from './severity-rules.ts'

/** The cursor's name in WorkerCursor. */
export const INCIDENT_CURSOR = 'incidents'

/** Reasons kept per incident (newest last). */
const MAX_REASONS = 20
/** Credentials remembered per incident for the reuse rule. */
const MAX_CREDENTIALS = 200
/** Recent events carried by an alert. */
const ALERT_EVENTS = 5
const MAX_SUMMARY = 200
const MAX_DECKIES = 100
const MAX_SERVICES = 100

export type GroupingOptions = {
  rules: SeverityRuleSet
  /** An IP quiet for longer than this starts a new incident. */
  quietWindowMs: number
  /**
   * After an alert, at most one more per this long: a digest of later activity, or `escalated` when
   * the severity rose meanwhile.
   */
  digestThrottleMs: number
  /**
   * A rise to this severity or above alerts at once instead of waiting for the throttle ('never':
   * every rise waits). 'high' sends a successful login, command, upload or credential reuse at
   * once while connections and guesses stay at one alert per source and throttle window.
   */
  escalateAtOnceFrom: EscalationFloor
  batchSize: number
  now: Date
  /** Console base URL for alert links (null: no link). */
  publicUrl: string | null
  /** Fresh incident ids. */
  newId: () => string
  /**
   * Whether the worker may read past a missing Log id (`missingId`). PostgreSQL hands ids out at
   * insert and transactions commit in any order, so a missing id may still be coming; SQLite commits
   * in id order, so a gap there is final.
   */
  passGap: (missingId: number) => boolean
}

export type GroupingReport = {
  /** Log rows the cursor moved over (attack and system rows). */
  read: number
  /** Attack rows read (including suppressed ones). */
  events: number
  suppressed: number
  opened: number
  reopened: number
  alerts: Record<AlertReason, number>
  /** The cursor after this step. */
  cursor: number
}

type Touched = {
  incident: IncidentRecord
  /** Severity before this batch (undefined: new). */
  before: Severity | undefined
  reopened: boolean
  events: LogRow[]
}

const pushCapped = (list: string[], value: string, cap: number) => {
  if (!list.includes(value) && list.length < cap) list.push(value)
}

function credentialFingerprint(fields: Record<string, unknown>): string | undefined {
  const credential = extractCredential(fields)
  if (!credential) return undefined
  return createHash('sha256')
    .update(`${credential.kind}\u0000${credential.principal}\u0000${credential.secret}`)
    .digest('hex')
    .slice(0, 24)
}

function newIncident(event: LogRow, options: GroupingOptions): IncidentRecord {
  return {
    id: options.newId(),
    attackerIp: event.attackerIp,
    decky: event.decky,
    deckies: [event.decky],
    services: [],
    severity: 'low',
    reasons: [],
    state: 'open',
    firstSeen: event.timestamp,
    lastSeen: event.timestamp,
    eventCount: 0,
    acknowledgedBy: null,
    acknowledgedAt: null,
    resolvedBy: null,
    resolvedAt: null,
    note: null,
    rulesVersion: options.rules.version,
    credentials: {},
    alertCount: 0,
    lastAlertAt: null,
    pendingEvents: 0,
    digestDueAt: null,
    updatedAt: options.now,
  }
}

function addReason(incident: IncidentRecord, reason: string) {
  incident.reasons = [...incident.reasons, reason].slice(-MAX_REASONS)
}

/** Folds one event into its incident: counts, times, deckies, services, severity. */
function apply(incident: IncidentRecord, event: LogRow, options: GroupingOptions) {
  incident.eventCount++
  incident.pendingEvents++
  if (event.timestamp < incident.firstSeen) incident.firstSeen = event.timestamp
  if (event.timestamp > incident.lastSeen) incident.lastSeen = event.timestamp
  if (!incident.deckies.includes(event.decky) && incident.deckies.length < MAX_DECKIES) {
    incident.deckies = [...incident.deckies, event.decky]
    // "A second decky touched by the same IP is noted on the incident."
    if (incident.eventCount > 1) addReason(incident, `also touched ${event.decky} (${event.service})`)
  }
  if (!incident.services.includes(event.service)) {
    incident.services = [...incident.services]
    pushCapped(incident.services, event.service, MAX_SERVICES)
  }
  let deckiesWithCredential = 0
  const fingerprint = credentialFingerprint(event.fields)
  if (fingerprint) {
    const key = `${fingerprint}`
    const seenOn = incident.credentials[key]
    if (seenOn === undefined) {
      if (Object.keys(incident.credentials).length < MAX_CREDENTIALS) {
        incident.credentials = { ...incident.credentials, [key]: event.decky }
      }
      deckiesWithCredential = 1
    } else {
      deckiesWithCredential = seenOn === event.decky ? 1 : 2
    }
  }
  const judgement = judgeEvent(options.rules, event, deckiesWithCredential)
  incident.rulesVersion = options.rules.version
  if (incident.eventCount === 1) {
    incident.severity = judgement.severity
    addReason(incident, judgement.reason)
  } else if (compareSeverity(judgement.severity, incident.severity) > 0) {
    incident.severity = judgement.severity
    addReason(incident, judgement.reason)
  }
  incident.updatedAt = options.now
}

const fieldText = (fields: Record<string, unknown>, ...names: string[]): string | undefined => {
  for (const name of names) {
    const value = fields[name]
    if (typeof value === 'string' || typeof value === 'number') return String(value)
  }
  return undefined
}

/**
 * One line per event for a channel, built from named fields only: alerts leave DECNET (chat, mail,
 * SIEM), so never the raw line or any field that may hold a captured secret (passwords, keys, hashes).
 */
export function summariseEvent(event: Pick<LogRow, 'eventType' | 'service' | 'fields'>): string {
  const { fields } = event
  const user = fieldText(fields, 'username', 'user', 'login')
  const as = user === undefined ? '' : ` as ${JSON.stringify(user.slice(0, 64))}`
  let text: string
  if (event.eventType === 'auth_attempt') {
    text = `login attempt${as} over ${event.service}${fields.success === true ? ' (succeeded)' : ''}`
  } else if (event.eventType === 'command') {
    text = `command${as}: ${fieldText(fields, 'command', 'cmd') ?? ''}`
  } else if (event.eventType === 'request') {
    const target = [fieldText(fields, 'method', 'verb'), fieldText(fields, 'path', 'uri')]
      .filter(Boolean)
      .join(' ')
    text = `request over ${event.service}${target ? `: ${target}` : ''}`
  } else if (event.eventType === 'upload') {
    const path = fieldText(fields, 'path', 'name', 'filename')
    const bytes = fieldText(fields, 'bytes', 'size')
    text = `upload over ${event.service}${path ? `: ${path}` : ''}${bytes ? ` (${bytes} bytes)` : ''}`
  } else text = `${event.eventType} over ${event.service}`
  return text.slice(0, MAX_SUMMARY)
}

function titleOf(
  reason: AlertReason,
  incident: IncidentRecord,
  reopened: boolean,
  digestEvents: number,
): string {
  const latest = incident.reasons.at(-1) ?? 'activity'
  const where =
    incident.deckies.length > 1 ? `${incident.decky} +${incident.deckies.length - 1}` : incident.decky
  const head = `${incident.severity}: ${incident.attackerIp} on ${where}`
  if (reason === 'digest') return `${head}: ${digestEvents} more event(s) (${incident.eventCount} in all)`
  if (reason === 'escalated') return `${head}: escalated, ${latest}`
  return `${head}: ${reopened && !latest.startsWith('reopened') ? 'reopened, ' : ''}${latest}`
}

/** Writes an alert for the incident (numbered by its alert count) and restarts its throttle. */
function alertFor(
  reason: AlertReason,
  incident: IncidentRecord,
  events: readonly LogRow[],
  options: GroupingOptions,
  reopened = false,
): AlertInput {
  const digestEvents = incident.pendingEvents
  incident.alertCount++
  incident.lastAlertAt = options.now
  incident.pendingEvents = 0
  incident.digestDueAt = null
  const row = toIncidentRow(incident)
  const message: Omit<AlertMessage, 'id'> = {
    idempotencyKey: `incident:${incident.id}:${incident.alertCount}:${reason}`,
    reason,
    severity: incident.severity,
    createdAt: options.now.toISOString(),
    title: titleOf(reason, incident, reopened, digestEvents),
    incident: {
      ...row,
      firstSeen: row.firstSeen.toISOString(),
      lastSeen: row.lastSeen.toISOString(),
      acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
      resolvedAt: row.resolvedAt?.toISOString() ?? null,
    },
    events: events.slice(-ALERT_EVENTS).map((event) => ({
      timestamp: event.timestamp.toISOString(),
      decky: event.decky,
      service: event.service,
      eventType: event.eventType,
      summary: summariseEvent(event),
    })),
    url: options.publicUrl ? `${options.publicUrl.replace(/\/+$/, '')}/incidents/${incident.id}` : null,
  }
  return { ...message, incidentId: incident.id }
}

export function emptyReport(): GroupingReport {
  return {
    read: 0,
    events: 0,
    suppressed: 0,
    opened: 0,
    reopened: 0,
    alerts: { opened: 0, escalated: 0, digest: 0, test: 0 },
    cursor: 0,
  }
}

function throttleElapsed(incident: IncidentRecord, options: GroupingOptions): boolean {
  return (
    incident.lastAlertAt === null ||
    options.now.getTime() - incident.lastAlertAt.getTime() >= options.digestThrottleMs
  )
}

/** Runs one grouping step inside `batch` (the caller's transaction). */
export async function groupNextBatch(
  batch: IncidentBatch,
  options: GroupingOptions,
): Promise<GroupingReport> {
  const report = emptyReport()
  const cursor = await batch.cursor(INCIDENT_CURSOR)
  report.cursor = cursor
  const read = await batch.logsAfter(cursor, options.batchSize, { includeSystem: true })
  // Only the contiguous run of ids after the cursor: a row past a missing id waits until the gap is
  // known to be final (its transaction committed, or rolled back), or the cursor would skip it.
  let expected = cursor + 1
  let contiguous = read.length
  for (const [index, row] of read.entries()) {
    if (row.id !== expected && !(index === 0 && options.passGap(expected))) {
      contiguous = index
      break
    }
    expected = row.id + 1
  }
  const taken = read.slice(0, contiguous)
  const rows = taken.filter((row) => !row.system)
  report.read = taken.length
  report.events = rows.length
  const alerts: AlertInput[] = []
  const touched = new Map<string, Touched>()
  /** Touched incidents that may send their one alert of the current throttle window now. */
  const followUps: Touched[] = []
  if (rows.length > 0) {
    const ignore = compileIgnoreRules(await batch.ignoreRules())
    const attack = rows.filter((row) => {
      if (ignore.match(row) === undefined) return true
      report.suppressed++
      return false
    })
    let earliest = attack[0]?.timestamp
    for (const row of attack) if (earliest && row.timestamp < earliest) earliest = row.timestamp
    const latest = earliest
      ? await batch.latestIncidents(
          attack.map((row) => row.attackerIp),
          new Date(earliest.getTime() - options.quietWindowMs),
        )
      : new Map<string, IncidentRecord>()
    // The incident each IP's events currently feed (the stored one, or one opened in this batch).
    const current = new Map<string, Touched>()
    for (const [ip, incident] of latest)
      current.set(ip, { incident, before: incident.severity, reopened: false, events: [] })
    for (const row of attack) {
      let entry = current.get(row.attackerIp)
      const quiet = entry
        ? row.timestamp.getTime() - entry.incident.lastSeen.getTime() > options.quietWindowMs
        : true
      if (!entry || quiet) {
        entry = { incident: newIncident(row, options), before: undefined, reopened: false, events: [] }
        current.set(row.attackerIp, entry)
        report.opened++
      } else if (entry.incident.state !== 'open') {
        const { incident } = entry
        addReason(
          incident,
          `reopened (was ${incident.state}${incident.acknowledgedBy ? ` by ${incident.acknowledgedBy}` : ''})`,
        )
        incident.state = 'open'
        incident.acknowledgedBy = null
        incident.acknowledgedAt = null
        incident.resolvedBy = null
        incident.resolvedAt = null
        entry.reopened = true
        report.reopened++
      }
      apply(entry.incident, row, options)
      entry.events.push(row)
      touched.set(entry.incident.id, entry)
    }
    for (const entry of touched.values()) {
      const { incident } = entry
      if (entry.before === undefined || entry.reopened) {
        alerts.push(alertFor('opened', incident, entry.events, options, entry.reopened))
      } else if (escalatesAtOnce(incident.severity, entry.before, options.escalateAtOnceFrom)) {
        alerts.push(alertFor('escalated', incident, entry.events, options))
      } else if (throttleElapsed(incident, options)) {
        followUps.push(entry)
      } else if (incident.digestDueAt === null && incident.lastAlertAt !== null) {
        incident.digestDueAt = new Date(incident.lastAlertAt.getTime() + options.digestThrottleMs)
      }
    }
  }
  report.cursor = taken.at(-1)?.id ?? cursor
  // Incidents whose throttle ran out while they saw nothing new in this batch.
  for (const incident of await batch.dueDigests(options.now, options.batchSize)) {
    if (touched.has(incident.id)) continue
    const entry: Touched = { incident, before: incident.severity, reopened: false, events: [] }
    touched.set(incident.id, entry)
    if (incident.pendingEvents > 0 && incident.state === 'open') {
      entry.events = (await batch.recentLogs(incident.attackerIp, ALERT_EVENTS)).reverse()
      followUps.push(entry)
    } else incident.digestDueAt = null
  }
  // One follow-up per throttle window: `escalated` if the severity rose since the last alert, else a digest.
  const alerted = await batch.lastAlertSeverities(followUps.map((entry) => entry.incident.id))
  for (const { incident, events } of followUps) {
    const last = alerted.get(incident.id)
    const reason = last !== undefined && compareSeverity(incident.severity, last) > 0 ? 'escalated' : 'digest'
    alerts.push(alertFor(reason, incident, events, options))
  }
  await batch.saveIncidents([...touched.values()].map((entry) => entry.incident))
  await batch.insertAlerts(alerts)
  for (const alert of alerts) report.alerts[alert.reason]++
  if (report.cursor !== cursor) await batch.setCursor(INCIDENT_CURSOR, report.cursor, options.now)
  return report
}
