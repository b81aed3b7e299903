/**
 * Ingest throughput into SQLite (PRODUCT.md §10: ≥ 20,000 events/s sustained, zero loss).
 * `pnpm exec tsx bench/ingest.bench.ts [events] [batchSize]` from packages/lifecycle.
 *
 * Realistic decoy lines (ssh auth attempts with credentials, shell commands, http requests, connects)
 * from 2,000 source addresses are pushed through the full pipeline (JSON parse, zod validation,
 * mapping, batching, `db.logs.ingest` with credential and attacker upserts) into a fresh migrated
 * SQLite file. Loss is counted three ways: the pipeline's counters, and a row count in the database.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDatabase, migrate } from '@decnet/db'
import { IngestPipeline } from '../src/ingest/pipeline.ts'

const TOTAL = Number(process.argv[2] ?? 200_000)
const BATCH = Number(process.argv[3] ?? 500)
const TARGET = 20_000

function line(i: number): string {
  const ip = `203.0.113.${i % Number(process.env.BENCH_IPS ?? 2000)}`
  const decky = `decky-${String(i % 20).padStart(2, '0')}`
  const ts = new Date(Date.UTC(2026, 10, 25, 12, 0, 0) + i).toISOString()
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

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'decnet-ingest-bench-'))
  const url = `file:${join(dir, 'bench.db')}`
  try {
    await migrate(url)
    const db = createDatabase(url)
    const lines = Array.from({ length: TOTAL }, (_, i) => line(i))
    const latencies: number[] = []
    let peakRss = process.memoryUsage().rss
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss)
    }, 20)
    const pipeline = new IngestPipeline({
      db,
      batchSize: BATCH,
      onBatch: (_rows, ms) => latencies.push(ms),
    })
    const started = performance.now()
    for (const text of lines) {
      if (pipeline.isFull) await pipeline.waitForSpace()
      pipeline.offerLine(text)
    }
    await pipeline.close()
    const seconds = (performance.now() - started) / 1000
    clearInterval(sampler)
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
    const stats = pipeline.stats()
    const { logs } = await db.logs.counts(new Date(0))
    await db.close()
    const rate = stats.stored / seconds
    const lost = TOTAL - logs
    const result = {
      events: TOTAL,
      batchSize: BATCH,
      seconds: Number(seconds.toFixed(2)),
      eventsPerSecond: Math.round(rate),
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
      lost,
    }
    console.log(JSON.stringify(result, null, 2))
    const ok = rate >= TARGET && lost === 0 && stats.dropped === 0 && stats.malformed === 0
    console.log(
      `ingest: ${result.eventsPerSecond} events/s (target ≥ ${TARGET}), p95 batch ${result.p95BatchMs} ms, ` +
        `peak RSS ${result.peakRssMiB} MiB, lost ${lost} -> ${ok ? 'PASS' : 'FAIL'}`,
    )
    if (!ok) process.exitCode = 1
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

void main()
