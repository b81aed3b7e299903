import { describe, expect, it } from 'vitest'
import { hostTimeline, kernelBuildMs } from '../src/protocols-text/shell/timeline.ts'
import { alpinePersona, debianPersona, debianTwin, rockyPersona, ubuntuPersona } from './shell-personas.ts'

describe('host timeline', () => {
  it('reads the build date of every distro kernel banner', () => {
    // Tell: file dates unrelated to the kernel the host claims to run.
    expect(kernelBuildMs('#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)')).toBe(
      Date.UTC(2024, 10, 22, 12),
    )
    expect(kernelBuildMs('#101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023')).toBe(
      Date.UTC(2023, 10, 14, 13, 30, 8),
    )
    expect(kernelBuildMs('#1 SMP PREEMPT_DYNAMIC Fri, 22 Nov 2024 16:04:27 +0000')).toBe(
      Date.UTC(2024, 10, 22, 16, 4, 27),
    )
    expect(kernelBuildMs('#1-Alpine SMP PREEMPT_DYNAMIC 2024-10-23 07:40:44')).toBe(
      Date.UTC(2024, 9, 23, 7, 40, 44),
    )
  })

  it('orders release < install < kernel install < boot, per persona', () => {
    const now = Date.UTC(2026, 11, 3, 12)
    const seen = new Set<number>()
    for (const persona of [
      debianPersona('0123456789abcdef0123456789abcdef'),
      debianTwin(),
      ubuntuPersona('1'.repeat(32)),
      rockyPersona('3'.repeat(32)),
      alpinePersona('2'.repeat(32)),
    ]) {
      const t = hostTimeline(persona, now)
      expect(t.releaseMs).toBeLessThan(t.installMs)
      expect(t.installMs).toBeLessThanOrEqual(t.kernelInstalledMs)
      expect(t.kernelBuiltMs).toBeLessThan(t.kernelInstalledMs)
      expect(t.kernelInstalledMs).toBeLessThan(t.bootMs)
      expect(t.bootMs).toBeLessThanOrEqual(now)
      seen.add(t.installMs)
    }
    // No two hosts were installed at the same moment.
    expect(seen.size).toBe(5)
  })
})
