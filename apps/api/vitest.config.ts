import { packageTestConfig } from '../../vitest.shared.ts'

// One module graph for every file of a worker: the in-process API tests each import the whole API
// (Prisma, the decoys, the password dictionaries), which would otherwise be evaluated anew per file.
// Nothing here mocks modules; each test builds its own runtime, data dir and database.
export default packageTestConfig({ isolate: false })
