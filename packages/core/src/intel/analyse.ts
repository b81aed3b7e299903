// analyseEvent: one event through the rule sets (tools, techniques, indicators), its fingerprints
// and behaviour counters. Hot path of the ingest: rules are compiled once at load, fields are read
// lazily, and an event type no rule reads (connect, disconnect…) costs a few map lookups.
import { behaviourOf } from './behaviour.ts'
import { CLASSIFICATION_VERSION } from './classification.ts'
import { extractFingerprints } from './fingerprints.ts'
import { compileRules, type FieldReader } from './rules/engine.ts'
import { extractIocs, IOC_RULES_VERSION, iocsRead, safeDecode } from './rules/ioc.ts'
import { TECHNIQUE_RULES, TECHNIQUE_RULES_VERSION } from './rules/techniques.ts'
import { TOOL_RULES, TOOL_RULES_VERSION } from './rules/tools.ts'
import type { EventFindings, IntelEvent, IntelRuleVersions } from './types.ts'

export { classifyAttacker } from './classification.ts'

export const INTEL_RULE_VERSIONS: IntelRuleVersions = {
  tools: TOOL_RULES_VERSION,
  techniques: TECHNIQUE_RULES_VERSION,
  iocs: IOC_RULES_VERSION,
  classification: CLASSIFICATION_VERSION,
}

const TOOLS = compileRules(TOOL_RULES)
const TECHNIQUES = compileRules(TECHNIQUE_RULES)

/** What one event reveals: fingerprints, tool and technique matches, indicators, behaviour counters. */
export function analyseEvent(event: IntelEvent): EventFindings {
  const read = new EventFields(event)
  const { eventType, service } = event
  const input = { eventType, service, read }
  const toolHits = TOOLS.reads(eventType) ? TOOLS.match(input) : []
  const behaviour = behaviourOf(eventType, service, read)
  if (toolHits.some(({ rule }) => rule.probe)) behaviour.probePayloads = (behaviour.probePayloads ?? 0) + 1
  return {
    fingerprints: extractFingerprints(service, read),
    tools: toolHits.map(({ rule, evidence }) => ({ tool: rule.tool, ruleId: rule.id, evidence })),
    techniques: TECHNIQUES.reads(eventType)
      ? TECHNIQUES.match(input).map(({ rule, evidence }) => ({
          technique: rule.technique,
          ruleId: rule.id,
          evidence,
        }))
      : [],
    iocs: iocsRead(eventType) ? extractIocs(eventType, service, read) : [],
    behaviour,
  }
}

/**
 * An event's fields as text (numbers and booleans stringified, null and objects absent), plus
 * fields derived once per event on first use: `service`, `path_decoded`, `body_decoded` (URL-
 * decoded), `upload_name`, `request_text` (decoded path, body and headers: where payloads hide).
 */
class EventFields implements FieldReader {
  private derived: Map<string, string | undefined> | undefined

  constructor(private readonly event: IntelEvent) {}

  get(name: string): string | undefined {
    switch (name) {
      case 'service':
      case 'path_decoded':
      case 'body_decoded':
      case 'upload_name':
      case 'request_text': {
        this.derived ??= new Map()
        if (!this.derived.has(name)) this.derived.set(name, this.derive(name))
        return this.derived.get(name)
      }
      default:
        return this.plain(name)
    }
  }

  private plain(name: string): string | undefined {
    const value = this.event.fields[name]
    if (typeof value === 'string') return value
    if (typeof value === 'number' || typeof value === 'boolean') return String(value)
    return undefined
  }

  private derive(name: string): string | undefined {
    switch (name) {
      case 'service':
        return this.event.service
      case 'path_decoded': {
        const path = this.plain('path')
        return path === undefined ? undefined : safeDecode(path.replace(/\+/g, ' '))
      }
      case 'body_decoded': {
        // Form bodies are URL-encoded; a JSON or raw body is read as sent.
        const body = this.plain('body')
        return body?.includes('%') ? safeDecode(body.replace(/\+/g, ' ')) : body
      }
      case 'upload_name':
        // scp names the file and gives the target directory as path; ftp gives only the path
        return this.plain('name') ?? this.plain('path')?.split(/[/\\]/).pop()
      default: {
        const parts = [this.get('path_decoded'), this.get('body_decoded'), this.plain('headers')]
        return parts.filter((part) => part !== undefined).join('\n')
      }
    }
  }
}
