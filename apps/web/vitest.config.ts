import { mergeConfig } from 'vitest/config'
import { packageTestConfig } from '../../vitest.shared.ts'

// Unit tests of the console's pure modules; `@/…` resolves through tsconfig's paths, as in Next.
export default mergeConfig(packageTestConfig(), { resolve: { tsconfigPaths: true } })
