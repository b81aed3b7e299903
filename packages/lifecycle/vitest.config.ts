import { packageTestConfig } from '../../vitest.shared.ts'

// One worker (vitest's default on two cores): three in parallel looked faster but the Docker-heavy
// files (believability's 30-decky fleet and nmap scan, the real-image builds) then met their
// timeouts on a loaded machine; measure on an idle CI machine before raising it. Files never share
// Docker objects (random instance and subnet per file) nor local-engine addresses (scoped per engine).
export default packageTestConfig({ maxWorkers: 1 })
