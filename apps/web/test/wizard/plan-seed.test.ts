import { ZPlanSeed } from '@decnet/core/schemas'
import { describe, expect, it } from 'vitest'
import { newPlanSeed } from '../../src/app/(console)/fleet/deploy/wizard/plan.ts'

describe('the wizard plan seed', () => {
  it('is a seed the API accepts (32 lower-case hex digits), fresh each time', () => {
    const seeds = Array.from({ length: 50 }, newPlanSeed)
    for (const seed of seeds) expect(ZPlanSeed.safeParse(seed).success).toBe(true)
    expect(new Set(seeds).size).toBe(50)
  })
})
