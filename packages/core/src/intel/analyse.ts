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
  const read = fieldReader(event)
  const { eventType, service } = event
  const input = { eventType, service, read }
  return {
    fingerprints: extractFingerprints(service, read),
    tools: TOOLS.reads(eventType)
      ? TOOLS.match(input).map(({ rule, evidence }) => ({ tool: rule.tool, ruleId: rule.id, evidence }))
      : [],
    techniques: TECHNIQUES.reads(eventType)
      ? TECHNIQUES.match(input).map(({ rule, evidence }) => ({
          technique: rule.technique,
          ruleId: rule.id,
          evidence,
        }))
      : [],
    iocs: iocsRead(eventType) ? extractIocs(eventType, service, read) : [],
    behaviour: behaviourOf(eventType, service, read),
  }
}

const DERIVED_FIELDS: ReadonlySet<string> = new Set([
  'service',
  'path_decoded',
  'body_decoded',
  'upload_name',
  'request_text',
])

/**
 * Fields as text (numbers and booleans stringified, null and objects absent), plus fields derived
 * once per event on first use: `service`, `path_decoded`, `body_decoded`, `upload_name`, `request_text`.
 */
function fieldReader(event: IntelEvent): FieldReader {
  const fields = event.fields
  let derived: Map<string, string | undefined> | undefined
  const plain = (name: string): string | undefined => {
    const value = fields[name]
    if (typeof value === 'string') return value
    if (typeof value === 'number' || typeof value === 'boolean') return String(value)
    return undefined
  }
  const derive = (name: string): string | undefined => {
    switch (name) {
      case 'service':
        return event.service
      case 'path_decoded': {
        const path = plain('path')
        return path === undefined ? undefined : safeDecode(path.replace(/\+/g, ' '))
      }
      case 'body_decoded': {
        // Form bodies are URL-encoded; a JSON or raw body is read as sent.
        const body = plain('body')
        return body?.includes('%') ? safeDecode(body.replace(/\+/g, ' ')) : body
      }
      case 'upload_name':
        // scp names the file and gives the target directory as path; ftp gives only the path
        return plain('name') ?? plain('path')?.split(/[/\\]/).pop()
      case 'request_text':
        return [read('path_decoded'), read('body_decoded'), plain('headers')]
          .filter((part) => part !== undefined)
          .join('\n')
      default:
        return plain(name)
    }
  }
  const read: FieldReader = (name) => {
    if (!DERIVED_FIELDS.has(name)) return plain(name)
    derived ??= new Map()
    if (!derived.has(name)) derived.set(name, derive(name))
    return derived.get(name)
  }
  return read
}
