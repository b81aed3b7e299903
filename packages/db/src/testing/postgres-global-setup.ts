// A vitest globalSetup: starts one throwaway PostgreSQL server for the whole test run and provides its
// admin URL as `inject('postgresAdminUrl')`; each suite creates its own databases on it
// (testDatabases() / createPostgresDatabase()). Other packages can list this file in their
// vitest config: globalSetup: ['../db/src/testing/postgres-global-setup.ts'].
import type {} from 'vitest'
import type { TestProject } from 'vitest/node'
import { startPostgres } from './postgres.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const server = await startPostgres()
  project.provide('postgresAdminUrl', server.url)
  return () => server.stop()
}
