// Decoy events through core's intelligence rules the way ingest hands them over, for the tests that
// check the rules against what real clients make the emulators emit.
import {
  type AttackerIntelSummary,
  addBehaviour,
  analyseEvent,
  type BehaviourCounters,
  type EventFindings,
  type IntelEvent,
} from '@decnet/core/intel'
import type { DecoyEvent } from '../src/emulator.ts'

/** A decoy event as ingest hands it to the analysis. */
export function intelEvent(event: DecoyEvent): IntelEvent {
  return {
    timestamp: new Date(event.ts),
    decky: event.decky,
    service: event.service,
    eventType: event.event,
    attackerIp: event.src_ip,
    attackerPort: event.src_port,
    fields: event.fields,
  }
}

/** What ingest accumulates for one attacker, built from its analysed events. */
export function summarise(events: readonly DecoyEvent[]): {
  summary: AttackerIntelSummary
  findings: EventFindings[]
} {
  const findings = events.map((event) => analyseEvent(intelEvent(event)))
  const behaviour: BehaviourCounters = {}
  for (const found of findings) addBehaviour(behaviour, found.behaviour)
  const times = events.map((event) => Date.parse(event.ts))
  const credentials = new Set(
    events
      .filter((event) => event.event === 'auth_attempt')
      .map((e) => `${e.fields.username}\u0000${e.fields.password}`),
  )
  return {
    findings,
    summary: {
      eventCount: events.length,
      firstSeen: new Date(Math.min(...times)),
      lastSeen: new Date(Math.max(...times)),
      serviceCount: new Set(events.map((event) => event.service)).size,
      deckyCount: new Set(events.map((event) => event.decky)).size,
      credentialCount: credentials.size,
      behaviour,
      tools: [...new Set(findings.flatMap((found) => found.tools.map((tool) => tool.tool)))],
      techniques: [...new Set(findings.flatMap((found) => found.techniques.map((t) => t.technique)))],
    },
  }
}
