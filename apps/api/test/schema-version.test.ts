// The API refuses to start on a database a newer DECNET migrated, and says so.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { migrate } from '@decnet/db'
import { recordUnknownMigration } from '@decnet/db/testing'
import { afterAll, expect, it } from 'vitest'
import { captureOutput } from './support/child-process.ts'
import { freePort } from './support/ports.ts'

const API_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'decnet-newer-schema-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

it('exits 1 with a clear message on a database a newer DECNET migrated', async () => {
  const file = path.join(dataDir, 'decnet.db')
  await migrate(`file:${file}`)
  await recordUnknownMigration(`file:${file}`, '9999_from_a_newer_decnet')
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: API_DIR,
    env: {
      ...process.env,
      DECNET_DATA_DIR: dataDir,
      DATABASE_URL: '',
      DECNET_API_PORT: String(await freePort()),
      DECNET_ENGINE: 'local',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output = captureOutput(child)
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  expect(code).toBe(1)
  expect(output()).toMatch(
    /decnet api failed to start: the database was migrated by a newer DECNET \(it has migration 9999_from_a_newer_decnet/,
  )
}, 60_000)
