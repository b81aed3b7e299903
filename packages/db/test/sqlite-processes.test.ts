// Several processes on one SQLite file (API, runner, CLI): transactions must wait for each other's
// write lock (busy_timeout) instead of failing, and constraints still pick exactly one winner.
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { createDatabase } from '../src/database.ts'
import { migrate } from '../src/migrate.ts'
import { suiteTempDir } from './fixtures.ts'

const run = promisify(execFile)
const databaseModule = fileURLToPath(new URL('../src/database.ts', import.meta.url))
// Run from the package so `--import tsx` resolves the workspace's tsx.
const packageDir = fileURLToPath(new URL('..', import.meta.url))

describe('SQLite shared by several processes', () => {
  const dir = suiteTempDir('decnet-procs-')

  it('20 deploys of one name from 4 processes: exactly one commits, the rest conflict', async () => {
    const url = `file:${join(dir, 'shared.db')}`
    await migrate(url)
    const worker = join(dir, 'worker.mts')
    writeFileSync(
      worker,
      `import { createDatabase } from ${JSON.stringify(databaseModule)}
const db = createDatabase(process.argv[2])
const id = Number(process.argv[3])
// Start together, so the processes really contend for the write lock.
await new Promise((resolve) => setTimeout(resolve, Number(process.argv[4]) - Date.now()))
const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => db.fleet.commitDeployPlan({
  create: [{ name: 'contested', ip: '10.5.' + id + '.' + (i + 1), mac: '00:00:00:00:00:01', hostname: 'h',
    distro: 'debian', services: ['ssh'], osFamily: 'linux' }],
})))
await db.close()
console.log(JSON.stringify(results.map((r) => r.status === 'fulfilled' ? 'ok' : r.reason.name)))
`,
    )
    const startAt = String(Date.now() + 8000)
    const outputs = await Promise.all(
      [0, 1, 2, 3].map((id) =>
        run(process.execPath, ['--import', 'tsx', worker, url, String(id), startAt], { cwd: packageDir }),
      ),
    )
    const outcomes = outputs.flatMap((output) => JSON.parse(output.stdout.trim()) as string[])
    expect(outcomes).toHaveLength(20)
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1)
    expect(outcomes.filter((o) => o === 'ConflictError')).toHaveLength(19)
    const db = createDatabase(url)
    try {
      expect((await db.fleet.list()).map((d) => d.name)).toEqual(['contested'])
      expect(await db.lifecycle.listActive()).toHaveLength(1)
    } finally {
      await db.close()
    }
  }, 60_000)
})
