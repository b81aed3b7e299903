import { packageTestConfig } from '../../vitest.shared.ts'

// --expose-gc lets the hostile-input tests measure retained memory after a forced collection.
export default packageTestConfig({ execArgv: ['--expose-gc'] })
