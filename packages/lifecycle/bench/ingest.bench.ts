/**
 * Ingest throughput into SQLite (PRODUCT.md §10; issue 16: ≥ 20,000 events/s with the intelligence
 * stage, reported beside a run without it), zero loss.
 * `pnpm exec tsx bench/ingest.bench.ts [events] [batchSize] [sourceAddresses] [rounds]` from packages/lifecycle.
 *
 * Rounds alternate without / with the intelligence stage on the same events (default 3 each) and the
 * medians are compared: on a shared 2-core machine the ratio measured in one run is the figure to
 * trust, beside the wall-clock rate against the target and the load average it was measured under.
 * The lines are rendered before the clock starts: in production the decoys write them (in their own
 * containers), so turning objects into JSON text is not the ingest's work.
 *
 * Decoy lines (ssh auth attempts with credentials, shell commands, http requests, connects) from
 * `sourceAddresses` attackers (default 100) against 20 deckies are pushed through the full pipeline (JSON parse, zod validation,
 * mapping, batching, `db.logs.ingest` with credential and attacker upserts) into a fresh migrated
 * SQLite file. Loss is counted three ways: the pipeline's counters, and a row count in the database.
 * As in production, the system-traffic filter runs on every batch: 1 line in 100 comes from one of
 * 200 recorded readiness-probe sources and must be stored flagged (not counted as attack).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDatabase, migrate } from '@decnet/db'
import { IngestPipeline } from '../src/ingest/pipeline.ts'
import { SystemTrafficFilter } from '../src/ingest/system-traffic.ts'

const TOTAL = Number(process.argv[2] ?? 200_000)
const BATCH = Number(process.argv[3] ?? 5000)
const SOURCES = Number(process.argv[4] ?? 100)
const ROUNDS = Number(process.argv[5] ?? 3)
/** `INGEST_BENCH_DB=none` measures the pipeline alone (parse, validate, batch) with a no-op writer. */
const NO_DB = process.env.INGEST_BENCH_DB === 'none'
const TARGET = 20_000
const START = Date.UTC(2026, 10, 25, 12, 0, 0)
const PROBER = '172.31.77.1'
const PROBE_PORTS = 200
const isProbe = (i: number) => i % 100 === 99

function line(i: number): string {
  if (isProbe(i)) {
    const ts = new Date(START + i).toISOString()
    const probe = {
      ts,
      decky: 'decky-19',
      src_ip: PROBER,
      src_port: 33_000 + (Math.floor(i / 100) % PROBE_PORTS),
    }
    return JSON.stringify({ ...probe, service: 'ssh', event: 'connect', fields: { local_port: 22 } })
  }
  const source = i % SOURCES
  const ip = `203.0.${source >> 8}.${source & 255}`
  const decky = `decky-${String(i % 20).padStart(2, '0')}`
  const ts = new Date(START + i).toISOString()
  const base = { ts, decky, src_ip: ip, src_port: 40_000 + (i % 20_000) }
  switch (i % 4) {
    case 0:
      return JSON.stringify({
        ...base,
        service: 'ssh',
        event: 'auth_attempt',
        fields: { username: 'root', password: `pw${i % 97}`, method: 'password' },
        secret_fields: ['password'],
      })
    case 1:
      return JSON.stringify({
        ...base,
        service: 'ssh',
        event: 'command',
        fields: { command: `cat /etc/passwd #${i}` },
      })
    case 2:
      return JSON.stringify({
        ...base,
        service: 'http',
        event: 'request',
        fields: { method: 'GET', path: `/wp-login.php?id=${i}`, user_agent: 'Mozilla/5.0 zgrab/0.x' },
      })
    default:
      return JSON.stringify({ ...base, service: 'http', event: 'connect', fields: {} })
  }
}

/**
 * CPU seconds of the calling thread alone (Linux: utime + stime of /proc/thread-self/stat, in clock
 * ticks of 10 ms). The rest of the process's CPU is the ingest worker thread's (plus GC helpers).
 */
function threadCpuSeconds(): number {
  // Fields after the parenthesised command name: state is the 3rd field, utime the 14th, stime the 15th.
  const stat = readFileSync('/proc/thread-self/stat', 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

type RunResult = { rate: number; cpuRate: number; twoCoreRate: number; ok: boolean }

/** One run into a fresh database, with or without the intelligence stage (issue 16). */
async function run(intel: boolean, lines: readonly string[]): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'decnet-ingest-bench-'))
  const url = `file:${join(dir, 'bench.db')}`
  try {
    await migrate(url)
    const db = createDatabase(url, intel ? {} : { intel: false })
    const latencies: number[] = []
    let peakRss = process.memoryUsage().rss
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss)
    }, 20)
    const sink = NO_DB ? { logs: { ingest: async () => [] } } : db
    await db.probeSources.record(
      Array.from({ length: PROBE_PORTS }, (_, port) => ({
        decky: 'decky-19',
        sourceIp: PROBER,
        sourcePort: 33_000 + port,
        protocol: 'tcp' as const,
        validFrom: new Date(START - 60_000),
        validUntil: new Date(START + TOTAL + 60_000),
      })),
    )
    const pipeline = new IngestPipeline({
      db: sink,
      batchSize: BATCH,
      onBatch: (_rows, ms) => latencies.push(ms),
      systemTraffic: new SystemTrafficFilter(db.probeSources),
    })
    const started = performance.now()
    const cpuBefore = process.cpuUsage()
    const mainCpuBefore = threadCpuSeconds()
    for (const text of lines) {
      if (pipeline.isFull) await pipeline.waitForSpace()
      pipeline.offerLine(text)
    }
    await pipeline.close()
    const seconds = (performance.now() - started) / 1000
    const cpu = process.cpuUsage(cpuBefore)
    const cpuSeconds = (cpu.user + cpu.system) / 1e6
    const mainCpuSeconds = threadCpuSeconds() - mainCpuBefore
    // The main thread (parse, validate, prepare) and the rest (the ingest worker's SQLite) run in
    // parallel: with two free cores, the busier side alone bounds the rate.
    const busiestSideSeconds = Math.max(mainCpuSeconds, cpuSeconds - mainCpuSeconds)
    clearInterval(sampler)
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
    const stats = pipeline.stats()
    const probeLines = Array.from({ length: TOTAL }, (_, i) => i).filter(isProbe).length
    // Attack rows (counts() leaves system rows out) plus the probe rows, which must all be flagged.
    const attackRows = NO_DB ? stats.stored - probeLines : (await db.logs.counts(new Date(0))).logs
    const logs = attackRows + probeLines
    await db.close()
    const rate = stats.stored / seconds
    const lost = TOTAL - logs
    const result = {
      events: TOTAL,
      database: NO_DB ? 'none (pipeline only)' : 'sqlite',
      batchSize: BATCH,
      sourceAddresses: SOURCES,
      intelligence: intel,
      seconds: Number(seconds.toFixed(2)),
      eventsPerSecond: Math.round(rate),
      // This process's CPU time: the rate a dedicated core would sustain, whatever else the machine runs.
      cpuSeconds: Number(cpuSeconds.toFixed(2)),
      eventsPerCpuSecond: Math.round(stats.stored / cpuSeconds),
      mainThreadCpuSeconds: Number(mainCpuSeconds.toFixed(2)),
      otherThreadsCpuSeconds: Number((cpuSeconds - mainCpuSeconds).toFixed(2)),
      // What two otherwise idle cores would sustain: events over the busier side's CPU time.
      eventsPerSecondOnTwoIdleCores: Math.round(stats.stored / busiestSideSeconds),
      loadAverage: loadavg()[0]?.toFixed(1),
      p95BatchMs: Number(percentile(latencies, 95).toFixed(1)),
      batches: stats.batches,
      peakRssMiB: Math.round(peakRss / 1024 / 1024),
      counters: {
        received: stats.received,
        stored: stats.stored,
        malformed: stats.malformed,
        dropped: stats.dropped,
      },
      rowsInDatabase: logs,
      systemRows: probeLines,
      lost,
    }
    console.log(JSON.stringify(result, null, 2))
    const ok = lost === 0 && stats.dropped === 0 && stats.malformed === 0
    console.log(
      `ingest ${intel ? 'with' : 'without'} intelligence: ${result.eventsPerSecond} events/s wall clock (${result.eventsPerCpuSecond} per CPU-second, ` +
        `load average ${result.loadAverage}; target ≥ ${TARGET}), ${result.eventsPerSecondOnTwoIdleCores} on two idle cores ` +
        `(main thread ${result.mainThreadCpuSeconds} CPU-s, worker and others ${result.otherThreadsCpuSeconds} CPU-s), p95 batch ${result.p95BatchMs} ms, ` +
        `peak RSS ${result.peakRssMiB} MiB, lost ${lost}${ok ? '' : ' -> LOSS'}`,
    )
    return { rate, cpuRate: stats.stored / cpuSeconds, twoCoreRate: stats.stored / busiestSideSeconds, ok }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

const lines = Array.from({ length: TOTAL }, (_, i) => line(i))
const loadBefore = loadavg()[0] ?? 0
// Alternating rounds on the same events: both sides see the same share of whatever else the machine runs.
const runs: { without: RunResult[]; with: RunResult[] } = { without: [], with: [] }
for (let round = 0; round < ROUNDS; round++) {
  runs.without.push(await run(false, lines))
  runs.with.push(await run(true, lines))
}
const loadAfter = loadavg()[0] ?? 0
const summary = (results: RunResult[]) => ({
  rate: Math.round(median(results.map((r) => r.rate))),
  cpuRate: Math.round(median(results.map((r) => r.cpuRate))),
  twoCoreRate: Math.round(median(results.map((r) => r.twoCoreRate))),
  ok: results.every((r) => r.ok),
})
const without = summary(runs.without)
const withIntel = summary(runs.with)
const verdict = (rate: number, ok: boolean) => (rate >= TARGET && ok ? 'PASS' : 'MISS')
const load = `load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} on ${availableParallelism()} cores`
console.log(
  `ingest without intelligence (median of ${ROUNDS}): ${without.rate} events/s wall clock, ${without.cpuRate} per CPU-second; ` +
    `${without.twoCoreRate} on two idle cores (CPU time of the busier thread); target ≥ ${TARGET} -> ${verdict(without.rate, without.ok)} (${load})`,
)
console.log(
  `ingest with intelligence (median of ${ROUNDS}): ${withIntel.rate} events/s wall clock, ${withIntel.cpuRate} per CPU-second; ` +
    `${withIntel.twoCoreRate} on two idle cores (CPU time of the busier thread); target ≥ ${TARGET} -> ${verdict(withIntel.rate, withIntel.ok)} (${load})`,
)
console.log(
  `ingest: the intelligence stage keeps ${((withIntel.rate / without.rate) * 100).toFixed(0)} % of the wall-clock throughput, ` +
    `${((withIntel.cpuRate / without.cpuRate) * 100).toFixed(0)} % per CPU-second; zero loss: ${without.ok && withIntel.ok ? 'yes' : 'NO'}`,
)
if (verdict(withIntel.rate, withIntel.ok) !== 'PASS' || verdict(without.rate, without.ok) !== 'PASS') {
  process.exitCode = 1
}
