// Text columns holding one of core's concepts are narrowed when read: a value the code does not know
// (say a `tearing_down` decky state, which core no longer has) fails loudly instead of flowing on.
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { knownValue } from '../src/columns.ts'
import type { DecnetDatabase } from '../src/database.ts'
import { executeRaw } from '../src/testing/raw-sql.ts'
import { databases, decky } from './fixtures.ts'

describe('knownValue', () => {
  it('passes a known value and names the column of an unknown one', () => {
    expect(knownValue(['a', 'b'] as const, 'b', 'T.c')).toBe('b')
    expect(() => knownValue(['a', 'b'] as const, 'z', 'T.c')).toThrow('T.c holds "z", which is none of a, b')
  })
})

describe.each(databases())('concept columns on $kind', (provider) => {
  let db: DecnetDatabase
  let url: string
  beforeEach(async () => {
    ;({ db, url } = await provider.open())
  })
  afterAll(() => provider.cleanup())

  it('reads every state core knows, and refuses one it does not', async () => {
    await db.fleet.commitDeployPlan({ create: [decky('web-01', '10.0.0.10')] })
    await db.fleet.setState('web-01', 'pending_removal')
    expect((await db.fleet.get('web-01'))?.state).toBe('pending_removal')

    await executeRaw(url, [[`UPDATE "Decky" SET "state" = 'tearing_down' WHERE "name" = 'web-01'`, []]])
    await expect(db.fleet.list()).rejects.toThrow(/Decky\.state holds "tearing_down"/)
  })

  it('refuses a lifecycle status it does not know, through Prisma and through raw SQL', async () => {
    const { lifecycleIds } = await db.fleet.commitDeployPlan({ create: [decky('web-02', '10.0.0.11')] })
    expect((await db.lifecycle.get(lifecycleIds)).map((row) => row.status)).toEqual(['pending'])
    expect((await db.lifecycle.snapshot(lifecycleIds)).map((row) => row.operation)).toEqual(['deploy'])

    await executeRaw(url, [[`UPDATE "Lifecycle" SET "status" = 'paused'`, []]])
    await expect(db.lifecycle.get(lifecycleIds)).rejects.toThrow(/Lifecycle\.status holds "paused"/)
    await expect(db.lifecycle.snapshot(lifecycleIds)).rejects.toThrow(/Lifecycle\.status holds "paused"/)
  })
})
