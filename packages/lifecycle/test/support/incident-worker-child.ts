// A separate process running the incident worker against DATABASE_URL one step at a time, printing
// "step <cursor>" after every committed batch; the durability test kill -9s it mid-stream.
import { createDatabase } from '@decnet/db'
import { IncidentWorker } from '../../src/index.ts'

const [url, batch] = process.argv.slice(2)
if (!url) throw new Error('usage: incident-worker-child.ts <database url> [batch size]')
const db = createDatabase(url)
const clock = new Date(Date.UTC(2026, 11, 3, 10, 30))
const worker = new IncidentWorker({ db, batchSize: Number(batch ?? 100), now: () => clock })
for (;;) {
  const report = await worker.step()
  process.stdout.write(`step ${report.cursor}\n`)
  if (report.read === 0) break
}
await db.close()
process.stdout.write('done\n')
