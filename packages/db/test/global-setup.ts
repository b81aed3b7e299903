// Starts one throwaway PostgreSQL server for the whole test run; each suite creates its own databases.
import type {} from 'vitest'
import type { TestProject } from 'vitest/node'
import { startPostgres } from '../src/testing/postgres.ts'

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
