// Shared vitest settings: every package writes a JSON report that scripts/test.mjs sums
// into the single `N passed, N failed` line CI reads.
import { defineConfig, type ViteUserConfig } from 'vitest/config'

export function packageTestConfig(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      reporters: ['default', ['json', { outputFile: '.test-results/vitest.json' }]],
      // Safety nets against a hung test, not speed checks: with several workers per package and the
      // Playwright suite beside them, a two-core machine runs a test's awaits several times slower.
      testTimeout: 60_000,
      hookTimeout: 120_000,
      ...overrides,
    },
  })
}
