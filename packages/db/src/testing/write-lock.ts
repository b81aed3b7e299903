// Another process holding a SQLite database's write lock (BEGIN IMMEDIATE), as a CLI, a backup or a
// second DECNET process would: for tests of what this process does meanwhile.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

// Run from this package so `require('better-sqlite3')` resolves.
const packageDir = fileURLToPath(new URL('../..', import.meta.url))

const HOLDER = `
const Database = require('better-sqlite3')
const [file, holdMs] = process.argv.slice(1)
const db = new Database(file, { timeout: 10000 })
db.exec('BEGIN IMMEDIATE')
process.stdout.write('locked\\n')
setTimeout(() => {
  db.exec('COMMIT')
  db.close()
  process.stdout.write('released\\n')
}, Number(holdMs))
`

export type HeldWriteLock = {
  /** Resolves once the other process has committed and exited. */
  released: Promise<void>
  pid: number
}

/** Resolves once a child process holds the write lock on `file`; it releases it after `holdMs`. */
export async function holdWriteLock(file: string, holdMs: number): Promise<HeldWriteLock> {
  const child = spawn(process.execPath, ['-e', HOLDER, file, String(holdMs)], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const released = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`lock holder exited with ${code}: ${output}`)),
    )
  })
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('locked\n')) resolve()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    released.catch(reject)
  })
  return { released, pid: child.pid ?? 0 }
}
