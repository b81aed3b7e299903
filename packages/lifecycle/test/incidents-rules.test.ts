// The severity rule set (one test per rule) and the ignore-rule matcher, as pure functions.
import { describe, expect, it } from 'vitest'
import {
  compileIgnoreRules,
  ignoreRuleProblem,
  judgeEvent,
  SEVERITY_RULES,
  SEVERITY_RULES_V1,
  SEVERITY_RULES_V2,
  summariseEvent,
} from '../src/index.ts'

const event = (eventType: string, fields: Record<string, unknown> = {}) => ({
  eventType,
  service: 'ssh',
  decky: 'decky-01',
  fields,
})

describe('severity rules v1 (data)', () => {
  it('every rule id is unique and the set is versioned', () => {
    const ids = SEVERITY_RULES_V1.rules.map((rule) => rule.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(SEVERITY_RULES_V1.version).toBe(1)
  })

  it.each([
    // rule id, event, credential deckies, severity, reason fragment
    ['connection', event('connect'), 0, 'low', 'connection to ssh'],
    ['connection', event('request', { path: '/' }), 0, 'low', 'connection to ssh'],
    ['connection', event('scan', { reason: 'malformed_http' }), 0, 'low', 'connection to ssh'],
    [
      'login-attempt',
      event('auth_attempt', { username: 'root', password: 'x', success: false }),
      1,
      'medium',
      'login attempt',
    ],
    [
      'login-success',
      event('auth_attempt', { username: 'root', password: 'x', success: true }),
      1,
      'high',
      'successful login',
    ],
    ['command', event('command', { command: 'uname -a' }), 0, 'high', 'command run'],
    ['file-upload', event('upload', { path: '/tmp/x', bytes: 10 }), 0, 'high', 'file uploaded'],
    [
      'credential-reuse',
      event('auth_attempt', { username: 'root', password: 'x', success: false }),
      2,
      'critical',
      'credential reused',
    ],
  ] as const)('rule %s', (ruleId, judged, deckiesWithCredential, severity, reason) => {
    const judgement = judgeEvent(SEVERITY_RULES_V1, judged, deckiesWithCredential)
    expect(judgement).toMatchObject({ ruleId, severity })
    expect(judgement.reason).toContain(reason)
    expect(judgement.reason).toContain('decky-01')
  })

  it('a successful login whose success flag is the string "true" (attacker text) is only an attempt', () => {
    expect(judgeEvent(SEVERITY_RULES_V1, event('auth_attempt', { success: 'true' })).severity).toBe('medium')
  })

  it('a rule set is data: a new version can raise a service without code', () => {
    const stricter = {
      version: 2,
      rules: [
        ...SEVERITY_RULES_V1.rules,
        {
          kind: 'event' as const,
          id: 'modbus-write',
          severity: 'critical' as const,
          reason: 'write on {service}',
          eventTypes: ['write_register'],
        },
      ],
    }
    expect(judgeEvent(stricter, event('write_register')).severity).toBe('critical')
    expect(judgeEvent(SEVERITY_RULES_V1, event('write_register')).severity).toBe('low')
  })
})

describe('severity rules v2: lateral movement', () => {
  it('is v1 plus one rule, and the worker uses it', () => {
    expect(SEVERITY_RULES_V2.version).toBe(2)
    expect(SEVERITY_RULES_V2.rules.slice(0, -1)).toEqual(SEVERITY_RULES_V1.rules)
    expect(SEVERITY_RULES).toBe(SEVERITY_RULES_V2)
  })

  it.each([
    // fields, severity, rule id
    [{ neighbour: 'ws-01', allowed: true }, 'high', 'lateral-movement'],
    [{ dst_ip: '10.0.0.9', allowed: true }, 'high', 'lateral-movement'],
    [{ neighbour: 'ws-01', allowed: false, reason: 'not a neighbour' }, 'low', 'connection'],
    [{ neighbour: 'ws-01', allowed: 'true' }, 'low', 'connection'],
    [{}, 'low', 'connection'],
  ] as const)('tcpip_forward %o is %s', (fields, severity, ruleId) => {
    const judgement = judgeEvent(SEVERITY_RULES_V2, event('tcpip_forward', fields))
    expect(judgement).toMatchObject({ severity, ruleId })
    expect(judgeEvent(SEVERITY_RULES_V1, event('tcpip_forward', fields)).severity).toBe('low')
  })
})

describe('ignore rules', () => {
  const base = {
    attackerIp: '203.0.113.7',
    service: 'ssh',
    decky: 'decky-01',
    rawLine: 'SSH-2.0-OpenSSH_9.6',
    fields: {},
  }

  it('CIDR rules match IPv4, IPv6 and IPv4-mapped sources by prefix, not by text', () => {
    const rules = compileIgnoreRules([
      { kind: 'cidr', value: '203.0.113.0/25' },
      { kind: 'cidr', value: '2001:db8::/32' },
      { kind: 'cidr', value: '198.51.100.9' },
    ])
    expect(rules.match(base)).toMatchObject({ value: '203.0.113.0/25' })
    expect(rules.match({ ...base, attackerIp: '203.0.113.200' })).toBeUndefined()
    // A text prefix match would accept this one: 203.0.113.1 vs 203.0.113.129.
    expect(rules.match({ ...base, attackerIp: '203.0.113.129' })).toBeUndefined()
    expect(rules.match({ ...base, attackerIp: '::ffff:203.0.113.5' })).toMatchObject({ kind: 'cidr' })
    expect(rules.match({ ...base, attackerIp: '2001:db8:1::5' })).toMatchObject({ value: '2001:db8::/32' })
    expect(rules.match({ ...base, attackerIp: '2001:db9::5' })).toBeUndefined()
    expect(rules.match({ ...base, attackerIp: '198.51.100.9' })).toMatchObject({ value: '198.51.100.9' })
    expect(rules.match({ ...base, attackerIp: '198.51.100.10' })).toBeUndefined()
    expect(rules.match({ ...base, attackerIp: 'unknown' })).toBeUndefined()
  })

  it('service, decky and scanner rules', () => {
    const rules = compileIgnoreRules([
      { kind: 'service', value: 'HTTP' },
      { kind: 'decky', value: 'decky-09' },
      { kind: 'scanner', value: 'zgrab' },
    ])
    expect(rules.match({ ...base, service: 'http' })).toMatchObject({ kind: 'service' })
    expect(rules.match({ ...base, decky: 'decky-09' })).toMatchObject({ kind: 'decky' })
    expect(rules.match({ ...base, decky: 'decky-0' })).toBeUndefined()
    expect(rules.match({ ...base, fields: { user_agent: 'Mozilla/5.0 zgrab/0.x' } })).toMatchObject({
      kind: 'scanner',
    })
    expect(rules.match({ ...base, rawLine: 'GET / HTTP/1.1 (ZGrab)' })).toMatchObject({ kind: 'scanner' })
    expect(rules.match(base)).toBeUndefined()
  })

  it('values are checked for their kind', () => {
    expect(ignoreRuleProblem({ kind: 'cidr', value: '10.0.0.0/8' })).toBeNull()
    expect(ignoreRuleProblem({ kind: 'cidr', value: '10.0.0.0/33' })).toMatch(/not a CIDR/)
    expect(ignoreRuleProblem({ kind: 'cidr', value: 'ten' })).toMatch(/not a CIDR/)
    expect(ignoreRuleProblem({ kind: 'service', value: '  ' })).toMatch(/needs a value/)
    expect(ignoreRuleProblem({ kind: 'scanner', value: 'x'.repeat(201) })).toMatch(/at most 200/)
  })
})

describe('alert event summaries', () => {
  it.each([
    [
      {
        eventType: 'auth_attempt',
        service: 'ssh',
        fields: { username: 'root', password: 'hunter2', success: true },
      },
      'login attempt as "root" over ssh (succeeded)',
    ],
    [
      { eventType: 'command', service: 'ssh', fields: { command: 'uname -a', username: 'root' } },
      'command as "root": uname -a',
    ],
    [
      {
        eventType: 'request',
        service: 'http',
        fields: { method: 'GET', path: '/admin', headers: '{"authorization":"Basic eDp5"}' },
      },
      'request over http: GET /admin',
    ],
    [
      { eventType: 'upload', service: 'ftp', fields: { path: '/tmp/x.sh', bytes: 12 } },
      'upload over ftp: /tmp/x.sh (12 bytes)',
    ],
    [
      { eventType: 'auth_attempt', service: 'smb', fields: { username: 'a', hash: 'aad3b435b51404ee' } },
      'login attempt as "a" over smb',
    ],
    [{ eventType: 'connect', service: 'redis', fields: {} }, 'connect over redis'],
  ])('%o -> %s (never a secret)', (event, summary) => {
    expect(summariseEvent(event)).toBe(summary)
  })
})
