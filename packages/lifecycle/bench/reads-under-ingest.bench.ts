/**
 * Reads never wait on ingest (PRODUCT.md §10): p99 of `logs.search`, `fleet.list` and `attackers.list`
 * (the repository calls behind those procedures, made in the API's process) while a pipeline ingests
 * at full rate, against the same reads with nothing ingesting (the baseline), measured first in the
 * same run. Target: p99 under ingest ≤ 1.5 × idle p99, on SQLite and on PostgreSQL (a throwaway
 * cluster with production durability), with ingest where the API runs it: in the collector thread,
 * with that thread's own database handle. For comparison, the same with ingest on the readers'
 * thread (how the API ran its collector before, and still does on an in-memory database).
 * `pnpm exec tsx bench/reads-under-ingest.bench.ts [samplesPerRead]` from packages/lifecycle.
 *
 * Reads are issued open-loop, one every INTERVAL_MS, alternating the two; each one's latency runs
 * from when it was due, so time the event loop spent on ingest before the read could start counts
 * against it, as it would against a request arriving then. Ingest runs "at full rate"
 * (support/full-rate-ingest.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Worker } from 'node:worker_threads'
import { tsWorkerSource } from '@decnet/core/ts-worker'
import { createDatabase, type DecnetDatabase, type Dialect, migrate } from '@decnet/db'
import { startPostgres } from '@decnet/db/testing'
import { IngestPipeline } from '../src/ingest/pipeline.ts'
import { SystemTrafficFilter } from '../src/ingest/system-traffic.ts'
import { decoyLine, recordProbeSources } from './support/decoy-lines.ts'
import { ingestAtFullRate } from './support/full-rate-ingest.ts'

const SAMPLES = Number(process.argv[2] ?? 300)
const INTERVAL_MS = 10
const SEEDED_LINES = 100_000
const SOURCES = 500
const DECKIES = 100
const TARGET_RATIO = 1.5
const QUERIES = ['root', '"cat etc passwd"', 'password:pw5', 'service:http', 'wp login', 'user_agent:zgrab']
const READS = ['logs.search', 'fleet.list', 'attackers.list'] as const
type Read = (typeof READS)[number]

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
}

/** The repository call behind each read; `k` picks the search among QUERIES. */
function readCalls(db: DecnetDatabase): Record<Read, (k: number) => Promise<unknown>> {
  return {
    'logs.search': (k) => db.logs.search({ q: QUERIES[k % QUERIES.length] as string, limit: 50 }),
    'fleet.list': () => db.fleet.list(),
    'attackers.list': () => db.attackers.list({ sort: 'recent', limit: 50 }),
  }
}

/** SAMPLES of each read, open-loop; latencies in ms from when each read was due. */
async function sampleReads(db: DecnetDatabase): Promise<Record<Read, number[]>> {
  const latencies: Record<Read, number[]> = { 'logs.search': [], 'fleet.list': [], 'attackers.list': [] }
  const reads = readCalls(db)
  const pending: Promise<void>[] = []
  const start = performance.now()
  for (let k = 0; k < SAMPLES * READS.length; k++) {
    const due = start + k * INTERVAL_MS
    const wait = due - performance.now()
    if (wait > 0) await sleep(wait)
    const read = READS[k % READS.length] as Read
    pending.push(
      reads[read](Math.floor(k / READS.length)).then(() => {
        latencies[read].push(performance.now() - due)
      }),
    )
  }
  await Promise.all(pending)
  return latencies
}

type Arrangement = 'collector thread' | "readers' thread"
/** `stored`: during the measured window; `storedAll`: everything offered and stored, once closed. */
type IngestRun = { stop(): Promise<{ stored: number; offered: number; storedAll: number }> }

/** Full-rate ingest on this thread, through `pipeline`. */
function ingestHere(pipeline: IngestPipeline, from: number): IngestRun {
  const storedBefore = pipeline.stats().stored
  const ingest = ingestAtFullRate(pipeline, from, SOURCES)
  return {
    async stop() {
      const stored = pipeline.stats().stored - storedBefore
      const offered = await ingest.stop()
      await pipeline.flush()
      return { stored, offered, storedAll: pipeline.stats().stored - storedBefore }
    },
  }
}

/** Full-rate ingest in a worker thread with its own database handle, as the API's collector thread. */
async function ingestInThread(url: string, from: number): Promise<IngestRun> {
  const entry = new URL('./support/full-rate-ingest-thread.ts', import.meta.url).href
  const worker = new Worker(tsWorkerSource(entry), {
    eval: true,
    workerData: { url, from, sources: SOURCES },
  })
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve())
    worker.once('error', reject)
  })
  worker.postMessage('start')
  return {
    async stop() {
      const result = new Promise<{ stored: number; offered: number; storedAll: number }>(
        (resolve, reject) => {
          worker.once('message', resolve)
          worker.once('error', reject)
        },
      )
      worker.postMessage('stop')
      return result
    },
  }
}

async function bench(dialect: Dialect, url: string): Promise<boolean> {
  await migrate(url)
  const db = createDatabase(url)
  try {
    await db.fleet.commitDeployPlan({
      create: Array.from({ length: DECKIES }, (_, i) => ({
        name: `decky-${String(i).padStart(2, '0')}`,
        ip: `10.40.${i >> 8}.${(i & 255) + 1}`,
        mac: '02:00:00:00:00:01',
        hostname: `host-${i}`,
        distro: 'debian',
        services: ['ssh', 'http'],
        osFamily: 'linux',
      })),
    })
    await recordProbeSources(db, 10_000_000)
    const pipeline = new IngestPipeline({
      db,
      systemTraffic: new SystemTrafficFilter(db.probeSources),
      onError: (error) => console.error('ingest error', error),
    })
    for (let i = 0; i < SEEDED_LINES; i++) await pipeline.pushLine(decoyLine(i, SOURCES))
    await pipeline.flush()

    for (let i = 0; i < 20; i++) await Promise.all(READS.map((read) => readCalls(db)[read](i))) // warm-up
    const idle = await sampleReads(db)
    // The API's arrangement first (the target), then ingest on the readers' thread for comparison.
    let ok = true
    let from = SEEDED_LINES
    for (const arrangement of ['collector thread', "readers' thread"] as Arrangement[]) {
      const ingest =
        arrangement === 'collector thread' ? await ingestInThread(url, from) : ingestHere(pipeline, from)
      const started = performance.now()
      const loaded = await sampleReads(db)
      const seconds = (performance.now() - started) / 1000
      const { stored, offered, storedAll } = await ingest.stop()
      from += offered
      const lost = offered - storedAll
      const isTarget = arrangement === 'collector thread'
      console.log(
        `\n${dialect}, ingest in the ${arrangement}${isTarget ? ' (as the API runs it; the target)' : ' (for comparison)'}: ` +
          `${SAMPLES} reads of each, one every ${INTERVAL_MS} ms alternating; ${DECKIES} deckies, ` +
          `${SEEDED_LINES.toLocaleString('en')} log rows before; ingest stored ${Math.round(stored / seconds)} events/s ` +
          `while measuring (lost ${lost}; load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores)`,
      )
      if (lost !== 0) ok = false
      if (!report(idle, loaded, isTarget)) ok = false
    }
    await pipeline.close()
    return ok
  } finally {
    await db.close()
  }
}

/** Prints one arrangement's table; PASS/MISS only where it is the target. */
function report(idle: Record<Read, number[]>, loaded: Record<Read, number[]>, isTarget: boolean): boolean {
  console.log('read            idle p50   idle p99 | ingest p50  ingest p95  ingest p99 | ratio p99  target')
  let ok = true
  // Reads that take longer than their spacing queue up even idle: both sides of the ratio are then
  // queue lengths, not latencies, and the line cannot pass.
  const spacingMs = INTERVAL_MS * READS.length
  for (const read of READS) {
    const idleP50 = percentile(idle[read], 50)
    const idleP99 = percentile(idle[read], 99)
    const loadedP99 = percentile(loaded[read], 99)
    const ratio = loadedP99 / idleP99
    const keptPace = idleP50 <= spacingMs
    const pass = keptPace && ratio <= TARGET_RATIO
    if (isTarget && !pass) ok = false
    console.log(
      `${read.padEnd(14)} ${idleP50.toFixed(2).padStart(7)} ms ${idleP99.toFixed(2).padStart(7)} ms | ` +
        `${percentile(loaded[read], 50).toFixed(2).padStart(7)} ms ${percentile(loaded[read], 95).toFixed(2).padStart(8)} ms ` +
        `${loadedP99.toFixed(2).padStart(8)} ms | ${ratio.toFixed(2).padStart(7)}x   ${isTarget ? `≤ ${TARGET_RATIO}x of idle -> ${pass ? 'PASS' : 'MISS'}` : '(comparison)'}` +
        (keptPace ? '' : ` (idle reads fell behind one every ${spacingMs} ms: saturated, not comparable)`),
    )
  }
  return ok
}

const dir = mkdtempSync(join(tmpdir(), 'decnet-reads-bench-'))
const postgres = await startPostgres({ durable: true })
try {
  const sqliteOk = await bench('sqlite', `file:${join(dir, 'reads.db')}`)
  const postgresOk = await bench('postgres', await postgres.createDatabase(`reads_bench_${process.pid}`))
  if (!sqliteOk || !postgresOk) process.exitCode = 1
} finally {
  postgres.stop()
  rmSync(dir, { recursive: true, force: true })
}
