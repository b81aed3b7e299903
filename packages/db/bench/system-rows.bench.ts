// `pnpm exec tsx bench/system-rows.bench.ts` (AB_ROWS, AB_CASES=q1,q2): the cost of hiding system rows.
// A/B on one database in one process, interleaved: the same query as it was compiled before this
// change (`system:any`: no system condition, FTS-only count) and as the default now (attack rows only).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDatabase } from '../src/database.ts'
import { migrate } from '../src/migrate.ts'
import { generateCorpus } from './corpus.ts'
import { loadLogs } from './log-load.ts'

const ROWS = Number(process.env.AB_ROWS ?? 200_000)
const file = join(mkdtempSync(join(tmpdir(), 'decnet-ab-')), 'ab.db')
await migrate(`file:${file}`)
// 1 row in 200 a system row, as after many deploys.
loadLogs(
  file,
  Array.from(generateCorpus({ rows: ROWS }), (event, index) =>
    index % 200 === 0 ? { ...event, system: true } : event,
  ),
)
const db = createDatabase(`file:${file}`)
const cases = process.env.AB_CASES
  ? process.env.AB_CASES.split(',')
  : ['xmrig', '"cat /etc/shadow"', 'path:/.aws/credentials', 'service:ssh', '']
const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(2)
const p95 = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!.toFixed(2)

/** Times `run` on the query as it was compiled before (`system:any`) and as now, interleaved. */
async function beforeAndNow(q: string, runs: number, run: (query: string) => Promise<unknown>) {
  const before: number[] = []
  const now: number[] = []
  for (let round = 0; round < runs; round++) {
    for (const [list, query] of [
      [before, `${q} system:any`],
      [now, q],
    ] as const) {
      const t = performance.now()
      await run(query)
      list.push(performance.now() - t)
    }
  }
  return { before, now }
}
for (const q of cases) {
  const search = await beforeAndNow(q, 60, (query) => db.logs.search({ q: query, limit: 50 }))
  const histogram = await beforeAndNow(q, 20, (query) => db.logs.histogram({ q: query, bucketMinutes: 60 }))
  console.log(
    `${JSON.stringify(q).padEnd(26)} search p50/p95 ms: as before ${med(search.before)}/${p95(search.before)}  now ${med(search.now)}/${p95(search.now)} | histogram p50: as before ${med(histogram.before)} now ${med(histogram.now)}`,
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
