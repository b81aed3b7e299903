// `pnpm exec tsx bench/write-contention.bench.ts [processes] [events] [batch]` from packages/db:
// several processes ingesting into one SQLite file at once, as the API and the workers do. Reports
// the combined throughput and each process's worst event-loop lag (a 10 ms timer's delay), which is
// what a lock wait inside SQLite's busy handler would cost every other request in that process.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { migrate } from '../src/migrate.ts'
import { BUSY_TIMEOUT_MS } from '../src/sqlite.ts'

const PROCESSES = Number(process.argv[2] ?? 3)
const EVENTS = Number(process.argv[3] ?? 30_000)
const BATCH = Number(process.argv[4] ?? 500)
const packageDir = fileURLToPath(new URL('..', import.meta.url))
const databaseModule = fileURLToPath(new URL('../src/database.ts', import.meta.url))

const WORKER = `import { createDatabase } from ${JSON.stringify(databaseModule)}
const [url, events, batch, startAt] = process.argv.slice(2).map((v, i) => (i === 0 ? v : Number(v)))
const db = createDatabase(url)
let worst = 0
let expected = Date.now() + 10
const timer = setInterval(() => { worst = Math.max(worst, Date.now() - expected); expected = Date.now() + 10 }, 10)
await new Promise((resolve) => setTimeout(resolve, startAt - Date.now()))
const start = performance.now()
for (let done = 0; done < events; done += batch) {
  await db.logs.ingest(Array.from({ length: batch }, (_, i) => ({
    timestamp: new Date(), decky: 'd-' + process.pid, service: 'ssh', eventType: 'command',
    attackerIp: '203.0.113.' + ((done + i) % 250), rawLine: 'cat /etc/passwd #' + (done + i), fields: {},
  })))
  // Like the ingest pipeline between batches: let timers (and requests) run.
  await new Promise((resolve) => setImmediate(resolve))
}
const ms = performance.now() - start
clearInterval(timer)
await db.close()
console.log(JSON.stringify({ ms, worstLagMs: worst }))
`

const dir = mkdtempSync(join(tmpdir(), 'decnet-contention-'))
try {
  const url = `file:${join(dir, 'bench.db')}`
  await migrate(url)
  const worker = join(dir, 'worker.mts')
  writeFileSync(worker, WORKER)
  const startAt = Date.now() + 5_000
  const runs = await Promise.all(
    Array.from({ length: PROCESSES }, () =>
      promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', worker, url, String(EVENTS), String(BATCH), String(startAt)],
        { cwd: packageDir },
      ),
    ),
  )
  const results = runs.map((run) => JSON.parse(run.stdout.trim()) as { ms: number; worstLagMs: number })
  const wallMs = Math.max(...results.map((r) => r.ms))
  const summary = {
    busyTimeoutMs: BUSY_TIMEOUT_MS,
    processes: PROCESSES,
    eventsPerSecond: Math.round((PROCESSES * EVENTS) / (wallMs / 1000)),
    worstLagMs: Math.max(...results.map((r) => r.worstLagMs)),
    loadAverage: loadavg()[0]?.toFixed(1),
  }
  console.log(JSON.stringify(summary))
} finally {
  rmSync(dir, { recursive: true, force: true })
}
