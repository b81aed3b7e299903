// buildSearchText builds its text in one pass (it runs for every ingested event). Stored rows were
// indexed by the earlier list-based version, so the text must stay byte for byte what that version
// produced: search would otherwise miss old or new rows. The reference below is that version.
import { describe, expect, it } from 'vitest'
import {
  buildSearchText,
  FIELD_JOINER,
  fieldKeyToken,
  PART_SEPARATOR,
  SYSTEM_TOKEN,
  tokenize,
} from '../src/search/tokenize.ts'
import type { LogEventInput } from '../src/types.ts'
import { event } from './fixtures.ts'

function valueText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'object') return Object.values(value).map(valueText).join(' ')
  return String(value)
}

function referenceSearchText(input: LogEventInput): string {
  const parts: string[][] = [
    tokenize(input.rawLine),
    tokenize(input.decky),
    tokenize(input.service),
    tokenize(input.eventType),
    tokenize(input.attackerIp),
  ]
  for (const [key, value] of Object.entries(input.fields ?? {})) {
    const values = tokenize(valueText(value))
    const keyToken = fieldKeyToken(key)
    parts.push(values)
    if (keyToken !== '') parts.push(values.map((token) => `${keyToken}${FIELD_JOINER}${token}`))
  }
  if (input.system) parts.push([SYSTEM_TOKEN])
  return parts
    .filter((part) => part.length > 0)
    .map((part) => part.join(' '))
    .join(` ${PART_SEPARATOR} `)
}

// A deterministic generator (no flaky seeds): mixes ASCII, punctuation, non-ASCII letters, control
// characters, long tokens and empty strings.
function* samples(count: number): Generator<LogEventInput> {
  let state = 42
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    return state
  }
  const alphabet = [
    'a',
    'Z',
    '9',
    ' ',
    '/',
    '.',
    '-',
    '_',
    'é',
    'Ж',
    '中',
    '\u0000',
    '\t',
    '·',
    '¦',
    'x'.repeat(80),
  ]
  const text = () => {
    let out = ''
    const length = next() % 24
    for (let i = 0; i < length; i++) out += alphabet[next() % alphabet.length]
    return out
  }
  const keys = ['username', 'password', 'src_port', 'srcPort', '', '__', '42', 'Ключ', 'user agent']
  for (let i = 0; i < count; i++) {
    const fields: Record<string, unknown> = {}
    const fieldCount = next() % 5
    for (let f = 0; f < fieldCount; f++) {
      const key = keys[next() % keys.length] as string
      const kind = next() % 6
      fields[key] =
        kind === 0
          ? null
          : kind === 1
            ? next() % 70_000
            : kind === 2
              ? next() % 2 === 0
              : kind === 3
                ? [text(), text()]
                : kind === 4
                  ? { nested: text(), deeper: { value: text() } }
                  : text()
    }
    yield event({
      rawLine: text() + JSON.stringify(fields),
      decky: text(),
      service: text(),
      eventType: text(),
      attackerIp: next() % 2 === 0 ? '203.0.113.7' : text(),
      fields,
      system: next() % 3 === 0,
    })
  }
}

describe('buildSearchText', () => {
  it('produces exactly the text the list-based version stored, for varied events', () => {
    let compared = 0
    for (const sample of samples(3000)) {
      expect(buildSearchText(sample)).toBe(referenceSearchText(sample))
      compared++
    }
    expect(compared).toBe(3000)
  })

  it('keeps field order, skips empty parts and joins a key to each of its value tokens', () => {
    const text = buildSearchText(
      event({
        rawLine: 'x',
        decky: 'd1',
        service: 'ssh',
        eventType: 'auth',
        attackerIp: '10.0.0.1',
        fields: { empty: '', user: 'Root Admin', src_port: 22 },
      }),
    )
    expect(text).toBe(
      `x ¦ d1 ¦ ssh ¦ auth ¦ 10 0 0 1 ¦ root admin ¦ user${FIELD_JOINER}root user${FIELD_JOINER}admin ¦ 22 ¦ srcport${FIELD_JOINER}22`,
    )
  })
})
