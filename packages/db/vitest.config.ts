import { packageTestConfig } from '../../vitest.shared.ts'

// One PostgreSQL server for the run (src/testing/postgres-global-setup.ts); suites run against it and SQLite.
export default packageTestConfig({ globalSetup: ['./src/testing/postgres-global-setup.ts'] })
