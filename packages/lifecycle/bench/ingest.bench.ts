/**
 * Ingest throughput into SQLite (PRODUCT.md §10; issue 16: ≥ 20,000 events/s with the intelligence
 * stage, reported beside a run without it), zero loss.
 * `pnpm exec tsx bench/ingest.bench.ts [events] [batchSize] [sourceAddresses]` from packages/lifecycle.
 *
 * Decoy lines (ssh auth attempts with credentials, shell commands, http requests, connects) from
 * `sourceAddresses` attackers (default 100) against 20 deckies are pushed through the full pipeline (JSON parse, zod validation,
 * mapping, batching, `db.logs.ingest` with credential and attacker upserts) into a fresh migrated
 * SQLite file. Loss is counted three ways: the pipeline's counters, and a row count in the database.
 * As in production, the system-traffic filter runs on every batch: 1 line in 100 comes from one of
 * 200 recorded readiness-probe sources and must be stored flagged (not counted as attack).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDatabase, migrate } from '@decnet/db'
import { IngestPipeline } from '../src/ingest/pipeline.ts'
import { SystemTrafficFilter } from '../src/ingest/system-traffic.ts'

const TOTAL = Number(process.argv[2] ?? 200_000)
const BATCH = Number(process.argv[3] ?? 5000)
const SOURCES = Number(process.argv[4] ?? 100)
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

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

/** One run into a fresh database, with or without the intelligence stage (issue 16). */
async function run(intel: boolean): Promise<{ rate: number; ok: boolean }> {
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
    for (let i = 0; i < TOTAL; i++) {
      if (pipeline.isFull) await pipeline.waitForSpace()
      pipeline.offerLine(line(i))
    }
    await pipeline.close()
    const seconds = (performance.now() - started) / 1000
    const cpu = process.cpuUsage(cpuBefore)
    const cpuSeconds = (cpu.user + cpu.system) / 1e6
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
    const ok = rate >= TARGET && lost === 0 && stats.dropped === 0 && stats.malformed === 0
    console.log(
      `ingest ${intel ? 'with' : 'without'} intelligence: ${result.eventsPerSecond} events/s wall clock (${result.eventsPerCpuSecond} per CPU-second, ` +
        `load average ${result.loadAverage}; target ≥ ${TARGET}), p95 batch ${result.p95BatchMs} ms, ` +
        `peak RSS ${result.peakRssMiB} MiB, lost ${lost} -> ${ok ? 'PASS' : 'FAIL'}`,
    )
    return { rate, ok }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// Both in one process, the same events: the ratio says what the intelligence stage costs.
const without = await run(false)
const withIntel = await run(true)
console.log(
  `ingest: intelligence stage keeps ${((withIntel.rate / without.rate) * 100).toFixed(0)} % of the throughput ` +
    `(${Math.round(withIntel.rate)} vs ${Math.round(without.rate)} events/s) -> ${withIntel.ok ? 'PASS' : 'FAIL'}`,
)
if (!withIntel.ok || !without.ok) process.exitCode = 1
