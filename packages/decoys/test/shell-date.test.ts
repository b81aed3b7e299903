import { describe, expect, it } from 'vitest'
import { dateCommand } from '../src/protocols-text/shell/date-command.ts'

// 2026-12-03T18:04:30Z: 19:04:30 in Paris (CET, +01:00).
const NOW = Date.UTC(2026, 11, 3, 18, 4, 30)

describe('date in the decoy shell', () => {
  it('prints epoch seconds for +%s, as scripts expect', () => {
    expect(dateCommand(['+%s'], NOW, 'Europe/Paris')).toBe(`${NOW / 1000}\n`)
  })
  it('prints RFC 5322 with the zone offset for -R', () => {
    expect(dateCommand(['-R'], NOW, 'Europe/Paris')).toBe('Thu, 03 Dec 2026 19:04:30 +0100\n')
  })
  it('formats +%F %T, -I and -u', () => {
    expect(dateCommand(['+%F %T %Z'], NOW, 'Europe/Paris')).toBe('2026-12-03 19:04:30 CET\n')
    expect(dateCommand(['-I'], NOW, 'Europe/Paris')).toBe('2026-12-03\n')
    expect(dateCommand(['-u', '+%H:%M %z'], NOW, 'Europe/Paris')).toBe('18:04 +0000\n')
  })
  it('keeps the default output without a format, and unknown conversions as written', () => {
    expect(dateCommand([], NOW, 'Europe/Paris')).toBe('Thu Dec  3 19:04:30 CET 2026\n')
    expect(dateCommand(['+%Q-%%'], NOW, 'Europe/Paris')).toBe('%Q-%\n')
  })
})
