// `pnpm --filter @decnet/db bench`: log search on 1,000,000 SQLite rows, FTS vs a LIKE scan, plus
// the production ingest path's throughput. BENCH_ROWS overrides the row count; BENCH_DB=<file>
// keeps the loaded database there (and reuses it when it exists) to iterate on queries.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import { createDatabase } from '../src/database.ts'
import { migrate } from '../src/migrate.ts'
import { generateCorpus } from './corpus.ts'
import { type IngestRate, loadLogs, timeIngest } from './log-load.ts'

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000)
const SEARCH_RUNS = 40
const LIKE_RUNS = 5
const INGEST_EVENTS = 50_000
/** A collector flushing every ~50 ms or ~250 ms at 20,000 events/s. */
const INGEST_BATCHES = [1000, 5000]

interface Case {
  label: string
  q: string
  /** The same question as a LIKE '%…%' scan: rows page plus the capped count, like search(). */
  like: { column: 'rawLine' | 'fields'; pattern: string }
}

const CASES: Case[] = [
  { label: 'word', q: 'xmrig', like: { column: 'rawLine', pattern: '%xmrig%' } },
  { label: 'phrase', q: '"cat /etc/shadow"', like: { column: 'rawLine', pattern: '%cat /etc/shadow%' } },
  {
    label: 'key:value',
    q: 'path:/.aws/credentials',
    like: { column: 'fields', pattern: '%"path":"/.aws/credentials"%' },
  },
]

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number

async function time(
  runs: number,
  task: () => Promise<unknown> | unknown,
): Promise<{ p50: number; p95: number }> {
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await task()
    samples.push(performance.now() - start)
  }
  samples.sort((a, b) => a - b)
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) }
}

function likeScan(file: string) {
  const db = new Database(file, { readonly: true })
  return {
    run(like: Case['like']) {
      // Column names come from the fixed CASES table above; the pattern is a bound parameter.
      db.prepare(`SELECT * FROM "Log" WHERE "${like.column}" LIKE ? ORDER BY "id" DESC LIMIT 50`).all(
        like.pattern,
      )
      return db
        .prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM "Log" WHERE "${like.column}" LIKE ? LIMIT 10001)`)
        .get(like.pattern) as { n: number }
    },
    close: () => db.close(),
  }
}

async function benchIngest(dir: string, batch: number): Promise<IngestRate & { batch: number }> {
  const url = `file:${join(dir, `ingest-${batch}.db`)}`
  await migrate(url)
  const db = createDatabase(url)
  try {
    return { batch, ...(await timeIngest(db, [...generateCorpus({ rows: INGEST_EVENTS, seed: 7 })], batch)) }
  } finally {
    await db.close()
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'decnet-bench-'))
  try {
    const file = process.env.BENCH_DB ?? join(dir, 'search.db')
    if (existsSync(file)) {
      console.log(`reusing ${file}`)
    } else {
      await migrate(`file:${file}`)
      console.log(`loading ${ROWS.toLocaleString('en')} log rows into SQLite (FTS5 kept by triggers)...`)
      const loadMs = loadLogs(file, generateCorpus({ rows: ROWS }))
      const rate = Math.round(ROWS / (loadMs / 1000)).toLocaleString('en')
      console.log(`loaded in ${(loadMs / 1000).toFixed(1)} s = ${rate} rows/s`)
    }

    const db = createDatabase(`file:${file}`)
    const like = likeScan(file)
    const table: string[][] = []
    let worstP95 = 0
    let worstRatio = Number.POSITIVE_INFINITY
    for (const c of CASES) {
      const result = await db.logs.search({ q: c.q, limit: 50 })
      const likeCount = like.run(c.like).n
      await time(3, () => db.logs.search({ q: c.q, limit: 50 })) // warm-up
      const fts = await time(SEARCH_RUNS, () => db.logs.search({ q: c.q, limit: 50 }))
      const scan = await time(LIKE_RUNS, () => like.run(c.like))
      const ratio = scan.p50 / fts.p50
      worstP95 = Math.max(worstP95, fts.p95)
      worstRatio = Math.min(worstRatio, ratio)
      table.push([
        c.label,
        c.q,
        `${result.total}${result.totalExact ? '' : '+'} / ${likeCount}`,
        fts.p50.toFixed(2),
        fts.p95.toFixed(2),
        scan.p50.toFixed(1),
        scan.p95.toFixed(1),
        `${ratio.toFixed(0)}x`,
      ])
    }
    like.close()
    await db.close()

    const header = [
      'query',
      'q',
      'matches fts/like',
      'fts p50 ms',
      'fts p95 ms',
      'like p50 ms',
      'like p95 ms',
      'speed-up',
    ]
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] as string).length)))
    const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(' | ')
    console.log(
      `\nlogs.search on ${ROWS.toLocaleString('en')} rows (${SEARCH_RUNS} runs each; LIKE ${LIKE_RUNS} runs)`,
    )
    console.log(line(header))
    console.log(widths.map((w) => '-'.repeat(w)).join('-|-'))
    for (const row of table) console.log(line(row))

    const rates: (IngestRate & { batch: number })[] = []
    for (const batch of INGEST_BATCHES) rates.push(await benchIngest(dir, batch))
    const fmt = (n: number) => Math.round(n).toLocaleString('en')
    console.log(
      `\nlogs.ingest of ${fmt(INGEST_EVENTS)} events (logs + FTS + credentials + attacker upserts, one transaction per batch)`,
    )
    for (const r of rates) {
      console.log(
        `  batch ${String(r.batch).padStart(5)}: ${fmt(r.wall)} events/s wall, ${fmt(r.cpu)} events per CPU-second`,
      )
    }
    const best = Math.max(...rates.map((r) => r.wall))
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL')
    console.log(
      `\nload average during the run: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${cpus().length} CPUs`,
    )
    console.log(`target search p95 <= 50 ms: worst ${worstP95.toFixed(2)} ms ${verdict(worstP95 <= 50)}`)
    console.log(
      `target >= 20x faster than LIKE: worst ${worstRatio.toFixed(0)}x ${verdict(worstRatio >= 20)}`,
    )
    console.log(
      `target ingest >= 20,000 events/s (wall, best batch): ${fmt(best)} ${verdict(best >= 20_000)}`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
