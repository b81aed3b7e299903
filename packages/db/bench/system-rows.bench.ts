// `pnpm exec tsx bench/system-rows.bench.ts` (AB_ROWS, AB_CASES=q1,q2): the cost of hiding system rows.
// A/B on one database in one process, interleaved: the same query as it was compiled before this
// change (`system:any`: no system condition, FTS-only count) and as the default now (attack rows only).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { createDatabase } from '../src/database.ts'
import { migrate } from '../src/migrate.ts'
import { logRowValues } from '../src/repos/ingest-write.ts'
import { applySqlitePragmas } from '../src/sqlite.ts'
import { generateCorpus } from './corpus.ts'

const ROWS = Number(process.env.AB_ROWS ?? 200_000)
const file = join(mkdtempSync(join(tmpdir(), 'decnet-ab-')), 'ab.db')
await migrate(`file:${file}`)
const raw = new Database(file)
applySqlitePragmas(raw)
const insert = raw.prepare(
  `INSERT INTO "Log" ("timestamp","decky","service","eventType","attackerIp","attackerPort","rawLine","fields","searchText","system") VALUES (?,?,?,?,?,?,?,?,?,?)`,
)
let batch: unknown[][] = []
const flush = raw.transaction((rows: unknown[][]) => {
  for (const r of rows) insert.run(r)
})
let i = 0
for (const event of generateCorpus({ rows: ROWS })) {
  // 1 row in 200 a system row, as after many deploys.
  const e = i++ % 200 === 0 ? { ...event, system: true } : event
  const [, ...cols] = logRowValues(e).map((v) => (typeof v === 'boolean' ? Number(v) : v))
  batch.push([e.timestamp.toISOString().replace('Z', '+00:00'), ...cols])
  if (batch.length === 10_000) {
    flush(batch)
    batch = []
  }
}
flush(batch)
raw.exec('ANALYZE')
raw.close()
const db = createDatabase(`file:${file}`)
const cases = process.env.AB_CASES
  ? process.env.AB_CASES.split(',')
  : ['xmrig', '"cat /etc/shadow"', 'path:/.aws/credentials', 'service:ssh', '']
const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(2)
const p95 = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!.toFixed(2)
for (const q of cases) {
  const before: number[] = []
  const after: number[] = []
  for (let run = 0; run < 60; run++) {
    for (const [list, query] of [
      [before, `${q} system:any`],
      [after, q],
    ] as const) {
      const t = performance.now()
      await db.logs.search({ q: query, limit: 50 })
      list.push(performance.now() - t)
    }
  }
  const hb: number[] = []
  const ha: number[] = []
  for (let run = 0; run < 20; run++) {
    for (const [list, query] of [
      [hb, `${q} system:any`],
      [ha, q],
    ] as const) {
      const t = performance.now()
      await db.logs.histogram({ q: query, bucketMinutes: 60 })
      list.push(performance.now() - t)
    }
  }
  console.log(
    `${JSON.stringify(q).padEnd(26)} search p50/p95 ms: as before ${med(before)}/${p95(before)}  now ${med(after)}/${p95(after)} | histogram p50: as before ${med(hb)} now ${med(ha)}`,
  )
}
const c: number[] = []
for (let run = 0; run < 20; run++) {
  const t = performance.now()
  await db.logs.counts()
  c.push(performance.now() - t)
}
console.log(`counts() p50 ${med(c)} ms on ${ROWS} rows`)
await db.close()
