// DATABASE_URL decides the backend: `file:` is SQLite (the default), `postgres(ql)://` is PostgreSQL.
import { isAbsolute, join, resolve } from 'node:path'

export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string }

/** The default SQLite URL for a data directory, as `npm start` uses it. */
export function defaultDatabaseUrl(dataDir: string): string {
  return `file:${join(resolve(dataDir), 'decnet.db')}`
}

export function parseDatabaseUrl(databaseUrl: string): DatabaseTarget {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return { kind: 'postgres', url: databaseUrl }
  if (databaseUrl.startsWith('file:')) {
    const path = databaseUrl.slice('file:'.length).replace(/\?.*$/, '')
    if (path === '') throw new Error('DATABASE_URL file: path is empty')
    // Relative paths would resolve against each process's cwd; pin them once here.
    return { kind: 'sqlite', file: isAbsolute(path) || path === ':memory:' ? path : resolve(path) }
  }
  throw new Error('DATABASE_URL must start with file: (SQLite) or postgres:// (PostgreSQL)')
}
