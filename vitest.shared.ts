// Shared vitest settings: every package writes a JSON report that scripts/test.mjs sums
// into the single `N passed, N failed` line CI reads.
import { defineConfig, type ViteUserConfig } from 'vitest/config'

export function packageTestConfig(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      reporters: ['default', ['json', { outputFile: '.test-results/vitest.json' }]],
      testTimeout: 20_000,
      hookTimeout: 60_000,
      ...overrides,
    },
  })
}
