import { packageTestConfig } from '../../vitest.shared.ts'

// One PostgreSQL server for the run (src/testing/postgres-global-setup.ts); suites run against it and SQLite.
// Three workers on two cores (vitest's default is cores − 1, one worker here): every suite makes its
// own SQLite files and Postgres databases, and much of a file's time is waiting on Postgres or on
// the child processes of the write-lock tests.
export default packageTestConfig({ globalSetup: ['./src/testing/postgres-global-setup.ts'], maxWorkers: 3 })
