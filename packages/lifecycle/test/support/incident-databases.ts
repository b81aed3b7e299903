// Both real databases for the incident suites: SQLite files, and databases on one throwaway
// PostgreSQL server this test file starts on first use and stops when the file is done.
import { createDatabase, type DecnetDatabase, migrate } from '@decnet/db'
import {
  createPostgresDatabase,
  type PostgresServer,
  sqliteTestDatabase,
  startPostgres,
} from '@decnet/db/testing'
import { afterAll } from 'vitest'

export type IncidentTestDatabase = {
  kind: 'sqlite' | 'postgres'
  /** A fresh migrated database's URL. */
  freshUrl(): Promise<string>
  /** freshUrl() + an open handle, closed when the file is done. */
  open(): Promise<{ db: DecnetDatabase; url: string }>
}

let server: Promise<PostgresServer> | undefined
let counter = 0
const handles: DecnetDatabase[] = []
const sqlite = sqliteTestDatabase()

afterAll(async () => {
  await Promise.all(handles.splice(0).map((db) => db.close()))
  await sqlite.cleanup()
  if (server) (await server).stop()
})

async function postgresUrl(): Promise<string> {
  server ??= startPostgres()
  const url = await createPostgresDatabase((await server).url, `decnet_incidents_${process.pid}_${++counter}`)
  await migrate(url)
  return url
}

function provider(kind: IncidentTestDatabase['kind']): IncidentTestDatabase {
  const freshUrl = () => (kind === 'sqlite' ? sqlite.freshUrl() : postgresUrl())
  return {
    kind,
    freshUrl,
    async open() {
      const url = await freshUrl()
      const db = createDatabase(url)
      handles.push(db)
      return { db, url }
    },
  }
}

export const incidentDatabases = (): IncidentTestDatabase[] => [provider('sqlite'), provider('postgres')]

/** One database kind, for a behaviour only that database has. */
export const incidentDatabase = (kind: IncidentTestDatabase['kind']): IncidentTestDatabase => provider(kind)
