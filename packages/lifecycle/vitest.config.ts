import { packageTestConfig } from '../../vitest.shared.ts'

// Three workers on two cores: most files wait on Docker (image builds, container starts, nmap over a
// deployed fleet), not on the CPU, so their waits overlap; with vitest's default (cores − 1 = one
// worker here) the files ran one after another. Files never share Docker objects (random instance and
// subnet per file) nor local-engine addresses (decky names are unique across files).
export default packageTestConfig({ maxWorkers: 3 })
