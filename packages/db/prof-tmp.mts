import { mkdtempSync, rmSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { generateCorpus } from './bench/corpus.ts'
import { createDatabase } from './src/database.ts'
import { migrate } from './src/migrate.ts'

const dir = mkdtempSync('/tmp/decnet-prof-')
const url = `file:${dir}/i.db`
await migrate(url)
const db = createDatabase(url)
const events = [...generateCorpus({ rows: 20000, seed: 7 })]
await db.logs.ingest(events.slice(0, 10))
const c0 = process.cpuUsage()
const t0 = performance.now()
for (let i = 0; i < events.length; i += 1000) await db.logs.ingest(events.slice(i, i + 1000))
const cpu = process.cpuUsage(c0)
const wall = performance.now() - t0
console.log(
  'wall',
  Math.round(wall),
  'cpu ms',
  Math.round((cpu.user + cpu.system) / 1000),
  'rate/cpu-s',
  Math.round(20000 / ((cpu.user + cpu.system) / 1e6)),
)
await db.close()
rmSync(dir, { recursive: true })
