// PLACEHOLDER on main until the rules work of issue 16 lands: the signatures are the contract the
// ingest stage codes against; the implementation (rule sets as data) replaces these bodies.
import type {
  AttackerClassification,
  AttackerIntelSummary,
  EventFindings,
  IntelEvent,
  IntelRuleVersions,
} from './types.ts'

export const INTEL_RULE_VERSIONS: IntelRuleVersions = {
  tools: '0',
  techniques: '0',
  iocs: '0',
  classification: '0',
}

/** What one event reveals: fingerprints, tool and technique matches, indicators, behaviour counters. */
export function analyseEvent(_event: IntelEvent): EventFindings {
  return { fingerprints: [], tools: [], techniques: [], iocs: [], behaviour: {} }
}

/** The attacker's class from its accumulated counters and matches, with the evidence that decided it. */
export function classifyAttacker(_summary: AttackerIntelSummary): AttackerClassification {
  return { class: 'unknown', evidence: [] }
}
