import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDatabase, migrate } from '@decnet/db'
const dir = mkdtempSync(join(tmpdir(), 'probe-'))
const url = `file:${join(dir, 'b.db')}`
await migrate(url)
const db = createDatabase(url)
const mk = (i: number, ips: number, cred: boolean) => ({ timestamp: new Date(), decky: 'd1', service: 'ssh', eventType: 'x', attackerIp: `10.0.${(i%ips)>>8}.${(i%ips)&255}`, attackerPort: 1, rawLine: '{"a":1,"b":"hello world some text here"}', fields: cred ? { username: 'root', password: 'p' + (i % 50) } : { path: '/x/y' } })
for (const [ips, cred, batch] of [[1, false, 500], [1, false, 500], [1, false, 5000], [1, false, 10000], [20, true, 5000]] as const) {
  const t = performance.now(); let n = 0
  for (let k = 0; k < 10; k++) { const evs = Array.from({ length: batch }, (_, i) => mk(i + k * batch, ips, cred)); await db.logs.ingest(evs); n += batch }
  console.log({ ips, cred, batch, perSec: Math.round(n / ((performance.now() - t) / 1000)) })
}
await db.close()
