// Where PostgreSQL's programs are: Debian keeps the server's (initdb, pg_ctl) off PATH, and the
// client tools on PATH are wrappers; the newest installed version's own directory serves both.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const missingBinariesMessage =
  'PostgreSQL server binaries (initdb, pg_ctl) not found. Install the Debian package: apt-get install -y postgresql'

/** Locates the directory holding initdb and pg_ctl (Debian keeps them off PATH). */
export function findPostgresBinDir(): string {
  const debianRoot = '/usr/lib/postgresql'
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((v) => existsSync(join(debianRoot, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a))
    if (versions[0] !== undefined) return join(debianRoot, versions[0], 'bin')
  }
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir
  }
  throw new Error(missingBinariesMessage)
}

/** The path of a client tool (pg_dump, pg_restore): the newest server version's, else PATH's. */
export function postgresTool(name: 'pg_dump' | 'pg_restore'): string {
  try {
    const own = join(findPostgresBinDir(), name)
    if (existsSync(own)) return own
  } catch {
    // No server installed here: the client package's tool on PATH.
  }
  return name
}
