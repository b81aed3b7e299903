// `pnpm --filter @decnet/db bench`: search at scale (PRODUCT.md §10) on SQLite and PostgreSQL, each
// holding 10,000,000 Log rows over 30 days and 1,000,000 attackers: `logs.search` p95 ≤ 50 ms,
// `logs.histogram` over the 30 days ≤ 100 ms, `attackers.list` by last seen p95 ≤ 50 ms, and the
// on-disk size per million events. The data is generated inside each database (bulk-corpus.ts) and
// removed when the bench ends; BENCH_ROWS / BENCH_ATTACKERS change the sizes (defaults 10M / 1M).
//
// Baselines measured in the same run: a LIKE scan for the same search (what the full-text index
// saves), the same 30 days counted from the Log rows (179-minute buckets are not whole hours, so
// the hour counts cannot answer them), and the attackers sorted by an unindexed column.
//
// BENCH_CORPUS_DIR keeps both data sets there (sized by name) for the next run to reuse, migrated to
// the current schema: generating 10M rows takes minutes. BENCH_PG_SETTINGS sets the server's memory
// (`shared_buffers=6GB effective_cache_size=18GB`); unset, PostgreSQL's defaults. BENCH_DATABASES
// (`sqlite`, `postgres`; both by default) measures one of them.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import pg from 'pg'
import { createDatabase, type DecnetDatabase } from '../src/database.ts'
import type { Dialect } from '../src/sql.ts'
import { type BulkSize, bulkPostgres, bulkSqlite, CORPUS_END } from './bulk-corpus.ts'

const SIZE: BulkSize = {
  logs: Number(process.env.BENCH_ROWS ?? 10_000_000),
  attackers: Number(process.env.BENCH_ATTACKERS ?? 1_000_000),
}
const RUNS = 30
const TARGETS = { search: 50, histogram: 100, attackers: 50 }
const DAY_MS = 86_400_000
const MONTH = { from: new Date(CORPUS_END.getTime() - 30 * DAY_MS), to: CORPUS_END }
const LAST_DAY = { from: new Date(CORPUS_END.getTime() - DAY_MS), to: CORPUS_END }

const SEARCHES: { label: string; q: string; range?: { from: Date; to: Date } }[] = [
  { label: 'rare word', q: 'xmrig' },
  { label: 'common word', q: 'root' },
  { label: 'phrase', q: '"cat /etc/shadow"' },
  { label: 'key:value', q: 'path:/.aws/credentials' },
  { label: 'column', q: 'service:telnet' },
  { label: 'word + column', q: 'admin service:ssh' },
  { label: 'word, last 24 h', q: 'wget', range: LAST_DAY },
  { label: 'everything, last 24 h', q: '', range: LAST_DAY },
]
// The console asks for 180-minute buckets over 30 days (web/src/lib/time-range.ts).
const HISTOGRAMS: { label: string; q: string; bucketMinutes: number }[] = [
  { label: '30 days', q: '', bucketMinutes: 180 },
  { label: '30 days, one service', q: 'service:ssh', bucketMinutes: 180 },
  { label: '30 days, probes too', q: 'system:any', bucketMinutes: 180 },
  { label: '30 days, rare word', q: 'xmrig', bucketMinutes: 180 },
]

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number

async function time(
  runs: number,
  task: () => Promise<unknown> | unknown,
): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 3; i++) await task() // warm-up
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await task()
    samples.push(performance.now() - start)
  }
  samples.sort((a, b) => a - b)
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) }
}

const ms = (value: number) => `${value.toFixed(1)} ms`
const verdict = (value: number, target: number) => (value <= target ? 'PASS' : 'MISS')

/** The same question as a LIKE '%…%' scan over the raw lines, newest first (one run: it is slow). */
type LikeScan = (pattern: string) => Promise<unknown>

async function measure(
  dialect: Dialect,
  db: DecnetDatabase,
  like: LikeScan,
  sizeBytes: number,
): Promise<boolean> {
  let ok = true
  const line = (label: string, result: { p50: number; p95: number }, target: number, extra = '') => {
    if (result.p95 > target) ok = false
    console.log(
      `  ${label.padEnd(32)} p50 ${ms(result.p50).padStart(9)}  p95 ${ms(result.p95).padStart(9)}  target ≤ ${target} ms ${verdict(result.p95, target)}${extra}`,
    )
  }
  console.log(
    `\n${dialect}: ${SIZE.logs.toLocaleString('en')} log rows, ${SIZE.attackers.toLocaleString('en')} attackers`,
  )
  console.log(
    `  on disk: ${(sizeBytes / 2 ** 30).toFixed(2)} GiB, ${(sizeBytes / 2 ** 20 / (SIZE.logs / 1e6)).toFixed(0)} MiB per million events (log rows, their indexes and full-text index, hour counts)`,
  )
  console.log(`  logs.search (limit 50, total counted to 10,000), ${RUNS} runs each:`)
  for (const search of SEARCHES) {
    const first = await db.logs.search({ q: search.q, limit: 50, now: CORPUS_END, ...search.range })
    const result = await time(RUNS, () =>
      db.logs.search({ q: search.q, limit: 50, now: CORPUS_END, ...search.range }),
    )
    line(
      search.label,
      result,
      TARGETS.search,
      `  (${search.q || '—'}: ${first.total}${first.totalExact ? '' : '+'} matches)`,
    )
  }
  const likeStart = performance.now()
  await like('%xmrig%')
  console.log(
    `  baseline: the rare word as a LIKE scan of the raw lines, one run: ${ms(performance.now() - likeStart)}`,
  )

  // Both forms: one count per bucket, as the console's Logs page asks, and split per service.
  for (const byService of [false, true]) {
    console.log(
      `  logs.histogram ${byService ? 'split by service' : 'as the console asks (one count per bucket)'}, from … to over 30 days, ${RUNS} runs each:`,
    )
    for (const histogram of HISTOGRAMS) {
      const result = await time(RUNS, () =>
        db.logs.histogram({
          q: histogram.q,
          ...MONTH,
          bucketMinutes: histogram.bucketMinutes,
          byService,
          now: CORPUS_END,
        }),
      )
      line(`${histogram.label} (${histogram.bucketMinutes} min)`, result, TARGETS.histogram)
    }
  }
  const scan = await time(1, () =>
    db.logs.histogram({ q: '', ...MONTH, bucketMinutes: 179, byService: true }),
  )
  console.log(`  baseline: 30 days counted from the Log rows (179-minute buckets), one run: ${ms(scan.p50)}`)

  console.log(
    `  attackers.list (50 per page, with each page's enrichment as the procedure reads it), ${RUNS} runs each:`,
  )
  const page = async (cursor?: string) => {
    const result = await db.attackers.list({ sort: 'recent', limit: 50, ...(cursor ? { cursor } : {}) })
    await db.enrichment.forIps(result.rows.map((row) => row.ip))
    return result
  }
  line('by last seen, first page', await time(RUNS, () => page()), TARGETS.attackers)
  line('by last seen, page 20', await time(RUNS, () => page('950')), TARGETS.attackers)
  const unindexed = await time(3, () => db.attackers.list({ sort: 'active', limit: 50 }))
  console.log(`  baseline: sorted by event count (no index), p50 of 3: ${ms(unindexed.p50)}`)
  return ok
}

/** The SQLite data set (kept in `kept` when set) measured; false when a target was missed. */
async function benchSqlite(kept: string | undefined, log: (text: string) => void): Promise<boolean> {
  const dir = kept ?? mkdtempSync(join(tmpdir(), 'decnet-search-bench-'))
  try {
    const file = join(dir, `search-${SIZE.logs}-${SIZE.attackers}.db`)
    await bulkSqlite(file, SIZE, log, kept !== undefined)
    const raw = new Database(file, { readonly: true })
    const db = createDatabase(`file:${file}`)
    try {
      // The file holds the attackers too: their table and indexes (dbstat, aggregated) are taken off.
      const total = raw.pragma('page_count', { simple: true }) as number
      const pageSize = raw.pragma('page_size', { simple: true }) as number
      const attackerNames = (
        raw
          .prepare(
            `SELECT name FROM sqlite_master WHERE tbl_name = 'Attacker' AND type IN ('table', 'index')`,
          )
          .all() as {
          name: string
        }[]
      ).map((row) => row.name)
      const attackerBytes = attackerNames.reduce(
        (sum, name) =>
          sum +
          ((
            raw.prepare(`SELECT pgsize FROM dbstat WHERE name = ? AND aggregate = TRUE`).get(name) as {
              pgsize: number
            }
          )?.pgsize ?? 0),
        0,
      )
      const like: LikeScan = async (pattern) =>
        raw.prepare(`SELECT "id" FROM "Log" WHERE "rawLine" LIKE ? ORDER BY "id" DESC LIMIT 50`).all(pattern)
      return await measure('sqlite', db, like, total * pageSize - attackerBytes)
    } finally {
      await db.close()
      raw.close()
    }
  } finally {
    if (!kept) rmSync(dir, { recursive: true, force: true })
  }
}

/** The PostgreSQL data set (its cluster kept in `kept` when set) measured; false when a target was missed. */
async function benchPostgres(kept: string | undefined, log: (text: string) => void): Promise<boolean> {
  const settings = Object.fromEntries(
    (process.env.BENCH_PG_SETTINGS ?? '')
      .split(/\s+/)
      .filter((pair) => pair.includes('='))
      .map((pair) => pair.split('=', 2) as [string, string]),
  )
  log(`\nPostgreSQL server settings: ${JSON.stringify(settings)} (PostgreSQL's defaults otherwise)`)
  const { server, url } = await bulkPostgres(SIZE, log, {
    ...(kept ? { dataDir: join(kept, `pg-${SIZE.logs}-${SIZE.attackers}`) } : {}),
    settings,
  })
  const client = new pg.Client({ connectionString: url })
  try {
    await client.connect()
    const db = createDatabase(url)
    try {
      const { rows } = await client.query<{ bytes: string }>(
        `SELECT pg_total_relation_size('"Log"') + pg_total_relation_size('"LogHourCount"') AS bytes`,
      )
      const like: LikeScan = (pattern) =>
        client.query(`SELECT "id" FROM "Log" WHERE "rawLine" LIKE $1 ORDER BY "id" DESC LIMIT 50`, [pattern])
      return await measure('postgres', db, like, Number(rows[0]?.bytes ?? 0))
    } finally {
      await db.close()
    }
  } finally {
    await client.end()
    server.stop()
  }
}

async function main() {
  const started = performance.now()
  const log = (text: string) => console.log(text)
  const kept = process.env.BENCH_CORPUS_DIR
  if (kept) mkdirSync(kept, { recursive: true })
  const databases = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',')
  let ok = true
  if (databases.includes('sqlite') && !(await benchSqlite(kept, log))) ok = false
  if (databases.includes('postgres') && !(await benchPostgres(kept, log))) ok = false
  console.log(
    `\nload average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(
        ' ',
      )} on ${availableParallelism()} cores; bench took ${((performance.now() - started) / 1000).toFixed(0)} s`,
  )
  if (!ok) process.exitCode = 1
}

await main()
