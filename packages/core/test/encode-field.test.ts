// encodeField: the INI text of one typed setting, refused unless coerceField reads it back unchanged.
import { describe, expect, it } from 'vitest'
import { coerceField, encodeField, getService } from '../src/index.ts'

function field(slug: string, key: string) {
  const found = getService(slug)?.config.find((f) => f.key === key)
  if (!found) throw new Error(`no ${slug}.${key}`)
  return found
}

describe('encodeField', () => {
  it('round-trips multi-line text (as b64:), text that itself starts with b64:, lists and booleans', () => {
    for (const [f, value] of [
      [field('http', 'custom_body'), 'line one\n  line two = [x]\n'],
      [field('http', 'custom_body'), 'b64:not really'],
      [field('http', 'http_versions'), ['http/1.1', 'http/2']],
      [field('rdp', 'nla'), false],
      [field('ssh', 'password'), 'p@ss; #word'],
      [field('http', 'response_code'), 404],
    ] as const) {
      const encoded = encodeField(f, value as never)
      expect(encoded.ok).toBe(true)
      if (!encoded.ok) continue
      expect(coerceField(f, encoded.text.trim())).toEqual({ ok: true, value })
    }
    expect(encodeField(field('http', 'custom_body'), 'a\nb')).toEqual({
      ok: true,
      text: `b64:${btoa('a\nb')}`,
    })
  })

  it('refuses surrounding spaces, control characters, non-integers and out-of-range numbers', () => {
    const reason = (f: ReturnType<typeof field>, value: string | number) => {
      const encoded = encodeField(f, value)
      return encoded.ok ? null : encoded.reason
    }
    expect(reason(field('ssh', 'hostname'), ' box ')).toMatch(/would not read back unchanged/)
    expect(reason(field('ssh', 'hostname'), 'a\u0007b')).toBe('contains control characters')
    expect(reason(field('http', 'custom_body'), 'a\u0007b')).toBe('contains control characters')
    expect(reason(field('http', 'response_code'), 1.5)).toMatch(/expected an integer/)
    expect(reason(field('http', 'response_code'), Number.NaN)).toMatch(/expected an integer/)
    expect(reason(field('http', 'response_code'), 600)).toBe('must be at most 599, got 600')
  })
})
