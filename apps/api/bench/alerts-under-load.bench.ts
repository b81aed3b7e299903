/**
 * Issue 15's alert benchmarks against a real API process (incident worker + delivery worker running),
 * with attack events written into its SQLite file from this process as the collector writes them
 * (`db.logs.ingest` batches), all in one run so every ratio has its baseline beside it:
 *
 * 1. Event → webhook delivery (HMAC verified at a loopback receiver): p50/p95 at idle and while 10k
 *    events/s are being ingested (targets: p95 ≤ 250 ms idle, ≤ 1 s under load). Split into event →
 *    alert row (grouping worker) and alert row → delivered (delivery worker) so a miss says where.
 * 2. Ingest throughput with a hanging webhook channel vs. without, interleaved rounds, median ratio
 *    (target: unchanged within noise, ratio ≥ 0.9), and the hanging channel's breaker state after.
 * 3. A storm of 100k events from 1,000 IPs: distinct notifications (by idempotency key) per channel as
 *    each real receiver saw them, and raw receipts (delivery is at-least-once)
 *    (webhook, rsyslogd over TCP, SMTP with STARTTLS, NDJSON file), target ≤ 1,000 per channel.
 *
 * `BENCH_ALERT_SAMPLES` (default 40), `BENCH_STORM_EVENTS` (100000), `BENCH_STORM_IPS` (1000).
 */
import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { createDatabase, type DecnetDatabase, type LogEventInput } from '@decnet/db'
import { attackEventFixture } from '@decnet/db/testing'
import { Rsyslog } from '../test/alerts/rsyslog.ts'
import { startSmtpReceiver } from '../test/support/smtp-receiver.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../test/support/webhook-receiver.ts'
import { percentile, withBenchApi } from './bench-api.ts'

const SAMPLES = Number(process.env.BENCH_ALERT_SAMPLES ?? 40)
const STORM_EVENTS = Number(process.env.BENCH_STORM_EVENTS ?? 100_000)
const STORM_IPS = Number(process.env.BENCH_STORM_IPS ?? 1_000)
const LOAD_RATE = 10_000
const LOAD_BATCH = 1_000
const TARGET_IDLE_P95_MS = 250
const TARGET_LOADED_P95_MS = 1_000
const TARGET_HANG_RATIO = 0.9
const THROUGHPUT_ROUNDS = 3
const THROUGHPUT_EVENTS = 40_000
const HMAC_KEY = 'bench-receiver-hmac-key-0123456789'
const SMTP = { username: 'alerts', password: 'bench-smtp-password-1' }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const median = (values: number[]) => percentile(values, 50)
const ms = (value: number) => `${value.toFixed(0).padStart(6)} ms`
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS')
const load = () => loadavg()[0]!.toFixed(1)
let failed = false

/** A unique source address per sequence number, in a block of its own per purpose. */
function address(block: number, n: number): string {
  return `10.${block}.${(n >> 8) & 255}.${n & 255}`
}

/** An attack event now: ssh login attempts and commands, http requests, as decoys report them. */
function attackEvent(attackerIp: string, n: number): LogEventInput {
  const base = {
    timestamp: new Date(),
    decky: `decky-0${n % 3}`,
    attackerIp,
    attackerPort: 40_000 + (n % 20_000),
    rawLine: `bench event ${n}`,
  }
  const kind = (['login', 'command', 'request', 'request'] as const)[n % 4] ?? 'request'
  return attackEventFixture(kind, base, n, `/p${n}`)
}

/** Arrival time of each source IP's first webhook alert at the receiver. */
function watchArrivals(receiver: WebhookReceiver): { arrivals: Map<string, number>; stop: () => void } {
  const arrivals = new Map<string, number>()
  let seen = 0
  const timer = setInterval(() => {
    for (; seen < receiver.accepted.length; seen++) {
      const body = receiver.accepted[seen]!.body as { incident?: { attackerIp?: string } }
      const ip = body.incident?.attackerIp
      if (ip && !arrivals.has(ip)) arrivals.set(ip, performance.now())
    }
  }, 1)
  return { arrivals, stop: () => clearInterval(timer) }
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

/** Background ingest at `rate` events/s in batches, from a fixed set of already-alerted sources. */
function backgroundLoad(db: DecnetDatabase, sources: number): { stop: () => Promise<number> } {
  let running = true
  let written = 0
  const started = performance.now()
  const loop = (async () => {
    let n = 0
    while (running) {
      const due = started + (written / LOAD_RATE) * 1000
      const wait = due - performance.now()
      if (wait > 0) await sleep(wait)
      const batch = Array.from({ length: LOAD_BATCH }, () => {
        n++
        return attackEvent(address(1, n % sources), n)
      })
      await db.logs.ingest(batch)
      written += batch.length
    }
  })()
  return {
    stop: async () => {
      running = false
      await loop
      return written / ((performance.now() - started) / 1000)
    },
  }
}

/** One measured event: from its ingest commit to the alert row, and to the webhook receiver. */
async function sampleLatencies(
  db: DecnetDatabase,
  arrivals: Map<string, number>,
  block: number,
  count: number,
): Promise<{ total: number[]; toAlert: number[] }> {
  const total: number[] = []
  const toAlert: number[] = []
  for (let i = 0; i < count; i++) {
    const ip = address(block, i)
    const started = performance.now()
    await db.logs.ingest([attackEvent(ip, 0)])
    let alerted = Number.NaN
    await until(
      `the alert of ${ip}`,
      async () => {
        if (Number.isNaN(alerted)) {
          const page = await db.incidents.list({ attackerIp: ip, limit: 1 })
          if (page.rows.length > 0) alerted = performance.now()
        }
        return arrivals.has(ip)
      },
      30_000,
    )
    total.push(arrivals.get(ip)! - started)
    toAlert.push((Number.isNaN(alerted) ? arrivals.get(ip)! : alerted) - started)
    // Events arrive at a phase that wanders against the workers' polls.
    await sleep(100 + Math.random() * 200)
  }
  return { total, toAlert }
}

function latencyLine(label: string, total: number[], toAlert: number[], target: number): boolean {
  const p95 = percentile(total, 95)
  const ok = p95 <= target
  console.log(
    `${label.padEnd(28)} ${ms(median(total))} ${ms(p95)} ${ms(percentile(toAlert, 95))}   ≤ ${String(target).padStart(4)} ms  ${verdict(ok)}`,
  )
  return ok
}

await withBenchApi(
  {
    DECNET_DISABLE_WORKERS: 'runner,collector,reconciler,mutator',
    DECNET_SECRET_KEY: 'bench-alerts-secret-key-0123456789abcdef',
    DECNET_ALERT_ALLOWED_TARGETS: '127.0.0.1',
  },
  {},
  async ({ admin, dataDir, output }) => {
    const db = createDatabase(`file:${path.join(dataDir, 'decnet.db')}`)
    const healthy = await startWebhookReceiver(HMAC_KEY)
    const hanging = await startWebhookReceiver(HMAC_KEY, { mode: 'hang' })
    const watcher = watchArrivals(healthy)
    try {
      const hook = await admin.alerts.channels.create.mutate({
        name: 'bench',
        kind: 'webhook',
        config: { url: healthy.url },
        secrets: { hmacKey: HMAC_KEY },
      })

      // 1. Event → webhook delivery, idle then under 10k events/s.
      console.log('\nEvent ingested → webhook delivered (HMAC verified), SQLite, incident + delivery workers')
      console.log(
        `${''.padEnd(28)} ${'p50'.padStart(9)} ${'p95'.padStart(9)} ${'p95→alert'.padStart(9)}   target`,
      )
      const idle = await sampleLatencies(db, watcher.arrivals, 2, SAMPLES)
      if (!latencyLine('idle', idle.total, idle.toAlert, TARGET_IDLE_P95_MS)) failed = true
      // The background sources are alerted before measuring, so the load itself sends nothing new.
      const warm = backgroundLoad(db, 200)
      await until(
        'the background sources to be alerted',
        () => healthy.accepted.length >= SAMPLES + 200,
        120_000,
      )
      const loaded = await sampleLatencies(db, watcher.arrivals, 3, SAMPLES)
      const achieved = await warm.stop()
      const label = `ingesting ${Math.round(achieved).toLocaleString('en')} events/s`
      if (!latencyLine(label, loaded.total, loaded.toAlert, TARGET_LOADED_P95_MS)) failed = true
      if (achieved < LOAD_RATE * 0.9) {
        console.log(`  (the load reached only ${Math.round(achieved)} events/s of ${LOAD_RATE}: MISS)`)
        failed = true
      }
      console.log(`  load average ${load()}; receiver: ${healthy.badSignatures} bad signatures`)

      // 2. Ingest throughput with a hanging webhook channel vs. without, interleaved rounds. The second
      // channel exists in both: only whether its receiver answers differs (same fan-out work).
      const second = await admin.alerts.channels.create.mutate({
        name: 'second',
        kind: 'webhook',
        config: { url: healthy.url },
        secrets: { hmacKey: HMAC_KEY },
      })
      const pointSecondAt = (url: string) =>
        admin.alerts.channels.update.mutate({ id: second.id, config: { url } })
      let round = 0
      const ingestRound = async () => {
        round++
        // New sources every round: each opens an incident, so alerts flow to every channel.
        const started = performance.now()
        for (let n = 0; n < THROUGHPUT_EVENTS; n += LOAD_BATCH) {
          await db.logs.ingest(
            Array.from({ length: LOAD_BATCH }, (_, k) =>
              attackEvent(address(10 + round, (n + k) % 500), n + k),
            ),
          )
        }
        return THROUGHPUT_EVENTS / ((performance.now() - started) / 1000)
      }
      const without: number[] = []
      const withHang: number[] = []
      // A B B A A B …: a drift over the run (the database grows) weighs on both sides alike.
      for (let r = 0; r < THROUGHPUT_ROUNDS * 2; r++) {
        const hangs = r % 4 === 1 || r % 4 === 2
        await pointSecondAt(hangs ? hanging.url : healthy.url)
        ;(hangs ? withHang : without).push(await ingestRound())
      }
      await pointSecondAt(hanging.url)
      // Deliveries keep coming to the hanging receiver after the last round: let the breaker trip.
      await until(
        'the hanging channel to trip its breaker',
        async () =>
          (await admin.alerts.channels.list.query()).find((c) => c.id === second.id)!.health ===
          'breaker_open',
        120_000,
      ).catch(() => undefined)
      const ratio = median(withHang) / median(without)
      const stuckState = (await admin.alerts.channels.list.query()).find((c) => c.id === second.id)!
      console.log(
        `\nIngest with a hanging webhook channel vs. without (${THROUGHPUT_ROUNDS} interleaved rounds of ${THROUGHPUT_EVENTS.toLocaleString('en')} events)`,
      )
      console.log(
        `without ${Math.round(median(without))} events/s (rounds ${without.map(Math.round).join(', ')}), ` +
          `with ${Math.round(median(withHang))} events/s (rounds ${withHang.map(Math.round).join(', ')}): ` +
          `ratio ${ratio.toFixed(2)} (target ≥ ${TARGET_HANG_RATIO}) ${verdict(ratio >= TARGET_HANG_RATIO)}; ` +
          `hanging channel: ${stuckState.health}, last error ${JSON.stringify(stuckState.lastError)}; load average ${load()}`,
      )
      if (ratio < TARGET_HANG_RATIO) failed = true
      await admin.alerts.channels.remove.mutate({ id: second.id })
      await admin.alerts.channels.remove.mutate({ id: hook.id })
    } finally {
      watcher.stop()
      await healthy.close()
      await hanging.close()
    }

    // 3. The storm, with one channel of each kind to a real receiver.
    const stormHook = await startWebhookReceiver(HMAC_KEY)
    const rsyslog = new Rsyslog()
    await rsyslog.start()
    const smtp = await startSmtpReceiver(rsyslog.certs, SMTP)
    try {
      await admin.alerts.channels.create.mutate({
        name: 'storm-webhook',
        kind: 'webhook',
        config: { url: stormHook.url },
        secrets: { hmacKey: HMAC_KEY },
      })
      await admin.alerts.channels.create.mutate({
        name: 'storm-syslog',
        kind: 'syslog',
        config: { protocol: 'tcp', host: '127.0.0.1', port: rsyslog.ports.tcp },
      })
      await admin.alerts.channels.create.mutate({
        name: 'storm-email',
        kind: 'email',
        config: {
          host: '127.0.0.1',
          port: smtp.port,
          caPem: rsyslog.certs.ca,
          username: SMTP.username,
          from: 'decnet@bench.example',
          to: ['soc@bench.example'],
        },
        secrets: { password: SMTP.password },
      })
      await admin.alerts.channels.create.mutate({
        name: 'storm-file',
        kind: 'ndjson',
        config: { path: 'storm.ndjson' },
      })
      const incidentsBefore = (await db.incidents.list({ limit: 1 })).total
      const started = performance.now()
      for (let n = 0; n < STORM_EVENTS; n += LOAD_BATCH) {
        await db.logs.ingest(
          Array.from({ length: Math.min(LOAD_BATCH, STORM_EVENTS - n) }, (_, k) =>
            attackEvent(address(100, (n + k) % STORM_IPS), n + k),
          ),
        )
      }
      const ingestSeconds = (performance.now() - started) / 1000
      // Settled: nothing left to deliver, and nothing new for a few seconds.
      const ndjsonLines = () => {
        try {
          return readFileSync(path.join(dataDir, 'alerts', 'storm.ndjson'), 'utf8')
            .split('\n')
            .filter(Boolean)
        } catch {
          return []
        }
      }
      const syslogKey = (line: string) => /idempotencyKey="([^"]+)"/.exec(line)?.[1] ?? line
      // What each receiver got, and how many distinct alerts that was: delivery is at-least-once (a send
      // that outlives its deadline is tried again), receivers de-duplicate on the idempotency key.
      const counts = () => ({
        webhook: [stormHook.accepted.length + stormHook.duplicates, stormHook.accepted.length],
        syslog: [rsyslog.lines().length, new Set(rsyslog.lines().map(syslogKey)).size],
        email: [smtp.received.length, new Set(smtp.received.map((r) => r.mail.messageId)).size],
        ndjson: [
          ndjsonLines().length,
          new Set(ndjsonLines().map((l) => (JSON.parse(l) as { idempotencyKey: string }).idempotencyKey))
            .size,
        ],
      })
      let last = JSON.stringify(counts())
      let stableSince = Date.now()
      await until(
        'the storm to settle',
        async () => {
          const now = JSON.stringify(counts())
          if (now !== last) {
            last = now
            stableSince = Date.now()
          }
          // A connection left idle through the ingest may be reset as it is reused: ask again.
          const channels = await admin.alerts.channels.list
            .query()
            .catch(() => admin.alerts.channels.list.query())
          const backlog = channels.reduce((sum, c) => sum + c.backlog, 0)
          return backlog === 0 && Date.now() - stableSince > 5_000
        },
        600_000,
      )
      const settledSeconds = (performance.now() - started) / 1000
      const incidents = (await db.incidents.list({ limit: 1 })).total - incidentsBefore
      const perChannel = counts()
      const worst = Math.max(...Object.values(perChannel).map(([, distinct]) => distinct!))
      console.log(
        `\nStorm: ${STORM_EVENTS.toLocaleString('en')} events from ${STORM_IPS.toLocaleString('en')} IPs ` +
          `(ingested in ${ingestSeconds.toFixed(1)} s, all delivered after ${settledSeconds.toFixed(1)} s): ` +
          `${incidents} new incidents; distinct notifications per channel as each receiver saw them: ` +
          `${Object.entries(perChannel)
            .map(([kind, [received, distinct]]) => `${kind} ${distinct} (${received} received)`)
            .join(', ')} ` +
          `(target ≤ ${STORM_IPS} per channel) ${verdict(worst <= STORM_IPS)}; ` +
          `load average ${load()}`,
      )
      if (worst > STORM_IPS) failed = true
    } catch (error) {
      console.log(`storm failed; the API's last output:\n${output().slice(-4_000)}`)
      throw error
    } finally {
      await db.close()
      await stormHook.close()
      await smtp.close()
      await rsyslog.dispose()
    }
  },
)
if (failed) process.exitCode = 1
