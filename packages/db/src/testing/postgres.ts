// Starts a throwaway PostgreSQL cluster for tests: initdb into a temp dir, pg_ctl on 127.0.0.1 with a
// private port, as the `postgres` OS user when we run as root (the server refuses to run as root).
import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { findPostgresBinDir } from '../postgres-tools.ts'

export { findPostgresBinDir }

export interface PostgresServer {
  /** Superuser URL of the cluster's default database. */
  readonly url: string
  readonly port: number
  /** Creates an empty database and returns its URL (one per suite keeps suites independent). */
  createDatabase(name: string): Promise<string>
  stop(): void
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function userId(name: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim())
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim())
  return { uid, gid }
}

export async function startPostgres(): Promise<PostgresServer> {
  const binDir = findPostgresBinDir()
  const asRoot = process.getuid?.() === 0
  const dir = mkdtempSync(join(tmpdir(), 'decnet-pg-'))
  const dataDir = join(dir, 'data')
  if (asRoot) {
    const { uid, gid } = userId('postgres')
    chownSync(dir, uid, gid)
  }
  // Run a server binary as the postgres user when we are root.
  // stdio is ignored: the server started by pg_ctl inherits it, and an inherited pipe would keep
  // execFileSync waiting until the server exits. Server output goes to the -l log file instead.
  const run = (binary: string, args: string[]): void => {
    const command = join(binDir, binary)
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'ignore' })
    else execFileSync(command, args, { stdio: 'ignore' })
  }
  const port = await freePort()
  try {
    run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '-N'])
    // Durability is irrelevant for a throwaway test cluster; turning it off makes tests faster.
    const options = `-h 127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`
    run('pg_ctl', ['-D', dataDir, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start'])
  } catch (error) {
    const log = join(dir, 'server.log')
    const detail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : ''
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`could not start PostgreSQL: ${String(error)}\n${detail}`)
  }
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`
  let stopped = false
  return {
    url,
    port,
    createDatabase: (name: string) => createPostgresDatabase(url, name),
    stop(): void {
      if (stopped) return
      stopped = true
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop'])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

/** Creates an empty database on the server `adminUrl` points at and returns the new database's URL. */
export async function createPostgresDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid database name: ${name}`)
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    // The name is checked against a strict pattern above; identifiers cannot be bound as parameters.
    await client.query(`CREATE DATABASE ${name}`)
  } finally {
    await client.end()
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}
