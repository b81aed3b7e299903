/**
 * Bus topics: dot-separated tokens with NATS-style wildcards in subscription patterns
 * (`*` exactly one token, `>` one or more trailing tokens).
 */

const INVALID_SEGMENT = /[.*>\s]/

function segment(value: string): string {
  if (value.length === 0 || INVALID_SEGMENT.test(value)) {
    throw new Error(`invalid bus topic segment ${JSON.stringify(value)}`)
  }
  return value
}

export const topics = {
  deckyLifecycle: (name: string) => `decky.${segment(name)}.lifecycle` as const,
  deckyMutation: (name: string) => `decky.${segment(name)}.mutation` as const,
  deckyState: (name: string) => `decky.${segment(name)}.state` as const,
  logIngested: 'log.ingested',
  sessionChanged: 'session.changed',
} as const

/** True when `topic` (concrete, no wildcards) matches `pattern`. */
export function topicMatches(pattern: string, topic: string): boolean {
  const want = pattern.split('.')
  const have = topic.split('.')
  for (let i = 0; i < want.length; i++) {
    const token = want[i]
    if (token === '>') return i === want.length - 1 && have.length > i
    const actual = have[i]
    if (actual === undefined || actual.length === 0) return false
    if (token !== '*' && token !== actual) return false
  }
  return want.length === have.length
}

/** Rejects patterns that can never match anything (empty tokens, `>` not last, wildcards inside a token). */
export function assertPattern(pattern: string): void {
  const tokens = pattern.split('.')
  tokens.forEach((token, index) => {
    const wildcard = token === '*' || token === '>'
    if (
      token.length === 0 ||
      (!wildcard && INVALID_SEGMENT.test(token)) ||
      (token === '>' && index !== tokens.length - 1)
    ) {
      throw new Error(`invalid bus subscription pattern ${JSON.stringify(pattern)}`)
    }
  })
}
