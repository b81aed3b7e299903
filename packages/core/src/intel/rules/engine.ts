// The small matcher every rule set runs on: rules are data (event types, services, field
// conditions, an evidence template), compiled once into an index by event type so an event only
// meets the rules that can match it, and so an event type no rule reads costs one map lookup.

/**
 * How a rule reads an event: a field's value as text, or undefined when absent. An object with a
 * method rather than a closure: the reader is made per event, and a closure per event is measurable
 * on the hot path (tsx/esbuild also wraps every named closure it creates).
 */
export type FieldReader = { get(field: string): string | undefined }

/** One condition on one field; a rule matches when all its conditions hold. */
export type FieldCondition =
  | { field: string; matches: RegExp }
  | { field: string; equals: string }
  | { field: string; oneOf: readonly string[] }

export type MatchRule = {
  /** Stable id, stored with every finding (e.g. `tool.nmap.nse-user-agent`). */
  id: string
  /** Event types the rule reads (`command`, `request`, …); `*` reads every type. */
  eventTypes: readonly string[]
  /** Services the rule reads (catalogue slugs); absent = every service. */
  services?: readonly string[]
  when: readonly FieldCondition[]
  /**
   * Evidence shown to the analyst: `{match}` is the text the first `matches` condition matched,
   * `{field}` a field's value; both capped and stripped of control characters.
   */
  evidence: string
}

/** What the matcher needs of an event. */
export type RuleInput = { eventType: string; service: string; read: FieldReader }

export type RuleHit<R> = { rule: R; evidence: string }

type CompiledCondition =
  | { field: string; kind: 'matches'; pattern: RegExp }
  | { field: string; kind: 'equals'; value: string }
  | { field: string; kind: 'oneOf'; values: ReadonlySet<string> }

type CompiledRule<R> = { rule: R; services?: ReadonlySet<string>; conditions: CompiledCondition[] }

export type CompiledRules<R extends MatchRule> = {
  /** Every rule that matches the event, in rule order, each with its evidence. */
  match(input: RuleInput): RuleHit<R>[]
  /** Whether any rule reads this event type at all (cheap early exit for callers). */
  reads(eventType: string): boolean
}

const EVIDENCE_PART_CHARS = 120
const EVIDENCE_CHARS = 240

/** Compiles a rule set; throws on a rule that could never run correctly (stateful regex, no condition). */
export function compileRules<R extends MatchRule>(rules: readonly R[]): CompiledRules<R> {
  const byType = new Map<string, CompiledRule<R>[]>()
  const everyType: CompiledRule<R>[] = []
  const ids = new Set<string>()
  for (const rule of rules) {
    if (ids.has(rule.id)) throw new Error(`duplicate rule id ${rule.id}`)
    ids.add(rule.id)
    if (rule.when.length === 0) throw new Error(`rule ${rule.id} has no condition`)
    const compiled: CompiledRule<R> = {
      rule,
      ...(rule.services ? { services: new Set(rule.services) } : {}),
      conditions: rule.when.map((condition) => compileCondition(rule.id, condition)),
    }
    for (const type of rule.eventTypes) {
      if (type === '*') everyType.push(compiled)
      else {
        const list = byType.get(type) ?? []
        list.push(compiled)
        byType.set(type, list)
      }
    }
  }
  // Wildcard rules join every indexed type's list once, so match() walks one list.
  for (const list of byType.values()) list.push(...everyType)
  return {
    reads: (eventType) => byType.has(eventType) || everyType.length > 0,
    match: ({ eventType, service, read }) => {
      const candidates = byType.get(eventType) ?? everyType
      if (candidates.length === 0) return []
      const hits: RuleHit<R>[] = []
      for (const candidate of candidates) {
        if (candidate.services && !candidate.services.has(service)) continue
        const matched = matchConditions(candidate.conditions, read)
        if (matched === undefined) continue
        hits.push({ rule: candidate.rule, evidence: renderEvidence(candidate.rule.evidence, matched, read) })
      }
      return hits
    },
  }
}

function compileCondition(id: string, condition: FieldCondition): CompiledCondition {
  if ('matches' in condition) {
    // A global or sticky regex keeps state between calls: the same event would match or not by turn.
    if (condition.matches.global || condition.matches.sticky) throw new Error(`rule ${id}: stateful regex`)
    return { field: condition.field, kind: 'matches', pattern: condition.matches }
  }
  if ('equals' in condition) return { field: condition.field, kind: 'equals', value: condition.equals }
  return { field: condition.field, kind: 'oneOf', values: new Set(condition.oneOf) }
}

/** The text the first regex matched ('' if none was a regex), or undefined when a condition fails. */
function matchConditions(conditions: readonly CompiledCondition[], read: FieldReader): string | undefined {
  let matched: string | undefined
  for (const condition of conditions) {
    const value = read.get(condition.field)
    if (value === undefined) return undefined
    if (condition.kind === 'matches') {
      const found = condition.pattern.exec(value)
      if (!found) return undefined
      matched ??= found[0]
    } else if (condition.kind === 'equals') {
      if (value !== condition.value) return undefined
    } else if (!condition.values.has(value)) return undefined
  }
  return matched ?? ''
}

/** Attacker text made safe to show: control characters replaced, capped. */
export function evidenceText(value: string, max = EVIDENCE_PART_CHARS): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim()
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean
}

function renderEvidence(template: string, matched: string, read: FieldReader): string {
  const text = template.replace(/\{(\w+)\}/g, (_whole, name: string) =>
    evidenceText(name === 'match' ? matched : (read.get(name) ?? '')),
  )
  return evidenceText(text, EVIDENCE_CHARS)
}

/**
 * A regex matching one of `names` used as a command (at the start of the line or after a shell
 * separator, `sudo`, `busybox`, `nohup`, a path such as `/bin/` or `./`…), not as an argument of another
 * command: `ps aux` and `true; ps` match `ps`, `grep ps` does not.
 */
export function commandNamed(names: readonly string[], argument = ''): RegExp {
  const alternatives = names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')
  return new RegExp(
    `(?:^|[;&|(\`\\n]|\\$\\()\\s*(?:(?:sudo|nohup|busybox|command|exec|timeout\\s+\\d+\\w?|env(?:\\s+\\w+=\\S*)*)\\s+)*(?:[\\w.~-]*/)*(?:${alternatives})(?=$|[\\s;&|)\`])${argument}`,
    'i',
  )
}
