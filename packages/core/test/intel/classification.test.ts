import { describe, expect, it } from 'vitest'
import { classifyAttacker } from '../../src/intel/classification.ts'
import type { AttackerIntelSummary } from '../../src/intel/types.ts'

const T0 = new Date('2026-12-03T12:00:00Z')
const after = (seconds: number) => new Date(T0.getTime() + seconds * 1000)

const summary = (over: Partial<AttackerIntelSummary> = {}): AttackerIntelSummary => ({
  eventCount: 1,
  firstSeen: T0,
  lastSeen: after(1),
  serviceCount: 1,
  deckyCount: 1,
  credentialCount: 0,
  behaviour: {},
  tools: [],
  techniques: [],
  ...over,
})

describe('classifyAttacker', () => {
  it('nmap -sV: many services, probes, the nmap tool: scanner, with the evidence', () => {
    const result = classifyAttacker(
      summary({
        eventCount: 60,
        serviceCount: 6,
        deckyCount: 1,
        behaviour: { connections: 40, probePayloads: 7, requests: 9 },
        tools: ['nmap'],
        lastSeen: after(30),
      }),
    )
    expect(result.class).toBe('scanner')
    expect(result.evidence[0]).toBe('scanning tool: Nmap')
    expect(result.evidence).toContain('touched 6 services on 1 decky')
    expect(result.evidence.join('\n')).toMatch(/7 probes/)
  })

  it('hydra: failed logins over many credentials: brute-forcer, even without a recognised tool', () => {
    const result = classifyAttacker(
      summary({
        eventCount: 200,
        credentialCount: 64,
        behaviour: { connections: 16, authAttempts: 64, authFailures: 63 },
        lastSeen: after(95),
      }),
    )
    expect(result).toEqual({
      class: 'brute_forcer',
      evidence: ['64 login attempts (63 failed) with 64 credentials over 2 min'],
    })
  })

  it('a brute-force tool with a single attempt is already a brute-forcer; one failed login alone is not', () => {
    expect(
      classifyAttacker(
        summary({ behaviour: { authAttempts: 1, authFailures: 1 }, credentialCount: 1, tools: ['hydra'] }),
      ).class,
    ).toBe('brute_forcer')
    expect(
      classifyAttacker(summary({ behaviour: { authAttempts: 1, authFailures: 1 }, credentialCount: 1 }))
        .class,
    ).toBe('unknown')
  })

  it('typed shell commands over time: interactive, and the earlier brute force is kept as secondary evidence', () => {
    const result = classifyAttacker(
      summary({
        eventCount: 40,
        credentialCount: 8,
        behaviour: {
          authAttempts: 8,
          authFailures: 7,
          interactiveSessions: 1,
          interactiveCommands: 6,
          downloads: 1,
        },
        lastSeen: after(120),
      }),
    )
    expect(result.class).toBe('interactive')
    expect(result.evidence[0]).toBe('6 commands typed in 1 terminal session')
    expect(result.evidence).toContain('1 file brought onto the decky')
    expect(result.evidence.some((line) => line.startsWith('also brute-forcing:'))).toBe(true)
  })

  it('shell commands all within seconds of first contact: a script, so bot', () => {
    const result = classifyAttacker(
      summary({ behaviour: { authAttempts: 1, interactiveCommands: 8 }, lastSeen: after(2) }),
    )
    expect(result.class).toBe('bot')
    expect(result.evidence[0]).toMatch(/^8 commands within 2 s of first contact: scripted$/)
  })

  it('commands only over `ssh host cmd` (exec) are a bot; a known bot signature decides too', () => {
    expect(classifyAttacker(summary({ behaviour: { execCommands: 2 }, lastSeen: after(60) })).class).toBe(
      'bot',
    )
    const mirai = classifyAttacker(
      summary({ behaviour: { authAttempts: 3 }, tools: ['mirai'], lastSeen: after(60) }),
    )
    expect(mirai.class).toBe('bot')
    expect(mirai.evidence[0]).toBe('known bot signature: Mirai-family bot')
  })

  it('web scanning by volume: many requests make a scanner', () => {
    expect(classifyAttacker(summary({ behaviour: { requests: 25 }, lastSeen: after(60) })).class).toBe(
      'scanner',
    )
    expect(classifyAttacker(summary({ behaviour: { requests: 2 }, tools: ['curl'] })).class).toBe('unknown')
  })

  it('nothing decisive: unknown, and the evidence says why', () => {
    const result = classifyAttacker(summary({ eventCount: 2, behaviour: { connections: 1 } }))
    expect(result.class).toBe('unknown')
    expect(result.evidence).toEqual(['2 events on 1 service: no scanning, login or shell pattern yet'])
  })

  it('unknown tool ids from a newer rule set never break the classification', () => {
    expect(classifyAttacker(summary({ tools: ['tool-from-the-future'] })).class).toBe('unknown')
  })
})
