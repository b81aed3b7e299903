import { ZPlanSeed } from '@decnet/core/schemas'
import { describe, expect, it } from 'vitest'
import { expectationOf, newPlanSeed } from '../../src/app/(console)/fleet/deploy/wizard/plan.ts'

describe('the wizard plan seed', () => {
  it('is a seed the API accepts (32 lower-case hex digits), fresh each time', () => {
    const seeds = Array.from({ length: 50 }, newPlanSeed)
    for (const seed of seeds) expect(ZPlanSeed.safeParse(seed).success).toBe(true)
    expect(new Set(seeds).size).toBe(50)
  })
})

describe('the preview sent back as fleet.deploy expected', () => {
  it('carries what a deploy must reproduce and none of the settings (secrets stay out of the request)', () => {
    const row = {
      name: 'web-01',
      ip: '172.31.77.2',
      mac: '00:0c:29:aa:bb:cc',
      hostname: 'web6',
      distro: 'debian' as const,
      osFamily: 'linux' as const,
      services: ['ssh' as const],
      hostId: 'local',
      archetype: null,
      serviceConfig: { ssh: { password: 's3cret-root-pw' } },
      mutateIntervalMinutes: null,
      host: 'local',
    }
    const expected = expectationOf({ create: [row], keep: ['old'], remove: [] })
    // The row itself, less its settings and the planner's own bookkeeping.
    const {
      archetype: _archetype,
      serviceConfig: _settings,
      mutateIntervalMinutes: _interval,
      host: _host,
      ...kept
    } = row
    expect(expected).toEqual({ create: [kept], keep: ['old'], remove: [] })
    expect(JSON.stringify(expected)).not.toContain('s3cret')
  })
})
