import { packageTestConfig } from '../../vitest.shared.ts'

// One PostgreSQL server for the run (test/global-setup.ts); suites run against it and SQLite.
export default packageTestConfig({ globalSetup: ['./test/global-setup.ts'] })
