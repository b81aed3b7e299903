// The intelligence stage of ingest, in memory: every event of a batch through the analyser (core's
// rules), the findings merged per attacker so the database sees one upsert per fingerprint, tool,
// technique and indicator rather than one per event.
import {
  type AttackerClassification,
  type AttackerIntelSummary,
  addBehaviour,
  analyseEvent,
  type BehaviourCounters,
  classifyAttacker,
  type EventFindings,
  INTEL_RULE_VERSIONS,
  type IntelEvent,
  type IntelRuleVersions,
} from '@decnet/core'
import type { LogEventInput } from '../types.ts'
import { storableText } from './ingest.ts'

/** Stored lengths: the rules cap what they find; these hold whatever a rule set lets through. */
export const MAX_INTEL_VALUE = 2048
export const MAX_INTEL_DETAIL = 2048
export const MAX_INTEL_EVIDENCE = 512
export const MAX_INTEL_NAME = 128

/** The rules ingest runs: core's by default; tests and the bench pass their own. */
export interface IntelAnalyser {
  analyseEvent(event: IntelEvent): EventFindings
  classifyAttacker(summary: AttackerIntelSummary): AttackerClassification
  readonly versions: IntelRuleVersions
}

export const CORE_INTEL_ANALYSER: IntelAnalyser = {
  analyseEvent,
  classifyAttacker,
  versions: INTEL_RULE_VERSIONS,
}

interface Seen {
  count: number
  firstSeen: Date
  lastSeen: Date
}

export interface FingerprintDelta extends Seen {
  attackerIp: string
  kind: string
  value: string
  detail: string
  service: string
}

export interface ToolDelta extends Seen {
  attackerIp: string
  tool: string
  ruleId: string
  evidence: string
}

export interface TechniqueDelta extends Seen {
  attackerIp: string
  technique: string
  ruleId: string
  evidence: string
  decky: string
}

export interface IocDelta extends Seen {
  attackerIp: string
  kind: string
  value: string
  source: string
  decky: string
}

/** What one batch adds to the intelligence tables, each list free of duplicate keys. */
export interface IntelBatch {
  fingerprints: FingerprintDelta[]
  tools: ToolDelta[]
  techniques: TechniqueDelta[]
  iocs: IocDelta[]
  /** Behaviour counters to add, per attacker IP (every attacker of the batch, possibly empty). */
  behaviour: Map<string, BehaviourCounters>
}

const cap = (value: string, max: number) => storableText(value.length > max ? value.slice(0, max) : value)

/** Adds one sighting at `at` to a merged row, or creates it. */
function sighting<Row extends Seen>(map: Map<string, Row>, key: string, at: Date, create: () => Row): void {
  const seen = map.get(key)
  if (!seen) {
    map.set(key, create())
    return
  }
  seen.count++
  if (at < seen.firstSeen) seen.firstSeen = at
  if (at > seen.lastSeen) seen.lastSeen = at
}

const NOTHING_FOUND: EventFindings = { fingerprints: [], tools: [], techniques: [], iocs: [], behaviour: {} }

/**
 * A rule that throws on some hostile event must not cost the event itself (nor its batch, which the
 * collector would retry forever): that event simply yields no findings.
 */
function analyseSafely(analyser: IntelAnalyser, event: IntelEvent): EventFindings {
  try {
    return analyser.analyseEvent(event)
  } catch {
    return NOTHING_FOUND
  }
}

/**
 * Runs every attack event of a batch (not DECNET's own probes), one add() at a time, through
 * `analyser` and merges what it found per attacker. Keys are built from the capped values, so two
 * values that only differ past the cap are one row (a statement must never carry the same key twice).
 */
export class IntelSummary {
  readonly #fingerprints = new Map<string, FingerprintDelta>()
  readonly #tools = new Map<string, ToolDelta>()
  readonly #techniques = new Map<string, TechniqueDelta>()
  readonly #iocs = new Map<string, IocDelta>()
  readonly #behaviour = new Map<string, BehaviourCounters>()

  constructor(private readonly analyser: IntelAnalyser) {}

  add(event: LogEventInput): void {
    if (event.system) return
    const ip = event.attackerIp
    const at = event.timestamp
    const findings = analyseSafely(this.analyser, {
      timestamp: at,
      decky: event.decky,
      service: event.service,
      eventType: event.eventType,
      attackerIp: ip,
      attackerPort: event.attackerPort ?? null,
      fields: event.fields ?? {},
    })
    let counters = this.#behaviour.get(ip)
    if (!counters) {
      counters = {}
      this.#behaviour.set(ip, counters)
    }
    addBehaviour(counters, findings.behaviour)
    for (const found of findings.fingerprints) {
      const kind = cap(found.kind, MAX_INTEL_NAME)
      const value = cap(found.value, MAX_INTEL_VALUE)
      sighting(this.#fingerprints, `${ip}\u0000${kind}\u0000${value}`, at, () => ({
        attackerIp: ip,
        kind,
        value,
        detail: cap(found.detail, MAX_INTEL_DETAIL),
        service: event.service,
        count: 1,
        firstSeen: at,
        lastSeen: at,
      }))
    }
    for (const found of findings.tools) {
      const tool = cap(found.tool, MAX_INTEL_NAME)
      const ruleId = cap(found.ruleId, MAX_INTEL_NAME)
      sighting(this.#tools, `${ip}\u0000${tool}\u0000${ruleId}`, at, () => ({
        attackerIp: ip,
        tool,
        ruleId,
        evidence: cap(found.evidence, MAX_INTEL_EVIDENCE),
        count: 1,
        firstSeen: at,
        lastSeen: at,
      }))
    }
    for (const found of findings.techniques) {
      const technique = cap(found.technique, MAX_INTEL_NAME)
      const ruleId = cap(found.ruleId, MAX_INTEL_NAME)
      sighting(this.#techniques, `${ip}\u0000${technique}\u0000${ruleId}`, at, () => ({
        attackerIp: ip,
        technique,
        ruleId,
        evidence: cap(found.evidence, MAX_INTEL_EVIDENCE),
        decky: event.decky,
        count: 1,
        firstSeen: at,
        lastSeen: at,
      }))
    }
    for (const found of findings.iocs) {
      const kind = cap(found.kind, MAX_INTEL_NAME)
      const value = cap(found.value, MAX_INTEL_VALUE)
      sighting(this.#iocs, `${ip}\u0000${kind}\u0000${value}`, at, () => ({
        attackerIp: ip,
        kind,
        value,
        source: cap(found.source, MAX_INTEL_NAME),
        decky: event.decky,
        count: 1,
        firstSeen: at,
        lastSeen: at,
      }))
    }
  }

  result(): IntelBatch {
    return {
      fingerprints: [...this.#fingerprints.values()],
      tools: [...this.#tools.values()],
      techniques: [...this.#techniques.values()],
      iocs: [...this.#iocs.values()],
      behaviour: this.#behaviour,
    }
  }
}
