// Starts a throwaway PostgreSQL cluster for tests: initdb into a temp dir, pg_ctl on 127.0.0.1 with a
// private port, as the `postgres` OS user when we run as root (the server refuses to run as root).
import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
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
  /** CPU seconds the server's processes have used so far (live ones and those that exited). */
  cpuSeconds(): number
  stop(): void
}

export interface StartPostgresOptions {
  /**
   * Keep PostgreSQL's durability defaults (fsync, synchronous commit, full page writes), as a
   * production server runs: benchmarks. Tests turn them off for speed.
   */
  durable?: boolean
  /**
   * A cluster directory kept between runs (benchmarks' cached data sets): created with initdb when
   * it holds no cluster yet, reused otherwise, and left in place by stop().
   */
  dataDir?: string
  /** Server settings (`-c name=value`), e.g. `{ shared_buffers: '6GB' }` for a benchmark's memory. */
  settings?: Record<string, string>
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

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ: 100 on Linux). */
const CLOCK_TICKS = 100

/** utime + stime (+ cutime + cstime with `children`) of a process, in seconds; 0 once it is gone. */
function processCpuSeconds(pid: number, children: boolean): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the parenthesised command name: utime is the 14th field, stime, cutime, cstime follow.
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number)
    const own = (fields[11] ?? 0) + (fields[12] ?? 0)
    return (children ? own + (fields[13] ?? 0) + (fields[14] ?? 0) : own) / CLOCK_TICKS
  } catch {
    return 0
  }
}

/** The postmaster and its live children: exited children are in the postmaster's cutime/cstime. */
function serverCpuSeconds(postmasterPid: number): number {
  let total = processCpuSeconds(postmasterPid, true)
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (parent === postmasterPid) total += processCpuSeconds(Number(entry), false)
    } catch {
      // The process ended while we looked.
    }
  }
  return total
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const binDir = findPostgresBinDir()
  const asRoot = process.getuid?.() === 0
  const dir = mkdtempSync(join(tmpdir(), 'decnet-pg-'))
  const dataDir = options.dataDir ?? join(dir, 'data')
  const kept = options.dataDir !== undefined
  if (asRoot) {
    const { uid, gid } = userId('postgres')
    chownSync(dir, uid, gid)
    if (kept) {
      mkdirSync(dataDir, { recursive: true })
      chownSync(dataDir, uid, gid)
    }
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
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '-N'])
    }
    // Durability is irrelevant for a throwaway test cluster; turning it off makes tests faster.
    const fast = options.durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off'
    const settings = Object.entries(options.settings ?? {})
      .map(([name, value]) => ` -c ${name}=${value}`)
      .join('')
    const serverOptions = `-h 127.0.0.1 -p ${port} -k ${dir}${fast} -c max_connections=200${settings}`
    run('pg_ctl', [
      '-D',
      dataDir,
      '-o',
      serverOptions,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '60',
      'start',
    ])
  } catch (error) {
    const log = join(dir, 'server.log')
    const detail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : ''
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`could not start PostgreSQL: ${String(error)}\n${detail}`)
  }
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`
  const postmasterPid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
  let stopped = false
  return {
    url,
    port,
    createDatabase: (name: string) => createPostgresDatabase(url, name),
    cpuSeconds: () => serverCpuSeconds(postmasterPid),
    stop(): void {
      if (stopped) return
      stopped = true
      try {
        // A kept cluster shuts down cleanly (a checkpoint), so its next start needs no recovery.
        run('pg_ctl', ['-D', dataDir, '-m', kept ? 'fast' : 'immediate', '-w', 'stop'])
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
