import { packageTestConfig } from '../../vitest.shared.ts'

// One module graph for every file of a worker: the in-process API tests each import the whole API
// (Prisma, the decoys, the password dictionaries), which would otherwise be evaluated anew per file.
// Nothing here mocks modules; each test builds its own runtime, data dir and database.
// Three workers on two cores (vitest's default is cores − 1, one worker here): files wait on child
// processes, servers and deploys; runtimes never share ports, data dirs or local-engine addresses
// (those are scoped by the data dir), so files of different workers do not meet.
export default packageTestConfig({ isolate: false, maxWorkers: 3 })
