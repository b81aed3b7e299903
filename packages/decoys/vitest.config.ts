import { packageTestConfig } from '../../vitest.shared.ts'

// --expose-gc lets the hostile-input tests measure retained memory after a forced collection.
// Three workers on two cores: the real-client files (nmap -sV, smbclient, ssh) mostly wait on
// network timeouts, so they overlap instead of queueing behind one another.
export default packageTestConfig({ execArgv: ['--expose-gc'], maxWorkers: 3 })
