import { waitingHostProgress } from '@decnet/core'
import { describe, expect, it } from 'vitest'
import type { NewImageRollout } from '../src/repos/images.ts'
import { databases, decky, freshDatabaseEachTest } from './fixtures.ts'

const OLD = `sha256:${'a'.repeat(64)}`
const NEW = `sha256:${'b'.repeat(64)}`

const rollout = (overrides: Partial<NewImageRollout> = {}): NewImageRollout => ({
  kind: 'rollout',
  digest: NEW,
  previousDigest: OLD,
  batchSize: 1,
  pauseSeconds: 0,
  hosts: waitingHostProgress(['local']),
  createdBy: 'admin',
  ...overrides,
})

describe.each(databases())('images on $kind', (provider) => {
  const fresh = freshDatabaseEachTest(provider)

  it('records each host`s digest, the replaced one becoming its previous', async () => {
    await fresh.db.images.recordHostImage('local', OLD)
    expect(await fresh.db.images.hostImages()).toMatchObject([
      { hostId: 'local', digest: OLD, previousDigest: null },
    ])
    await fresh.db.images.recordHostImage('local', NEW)
    // Recording the same digest again (a resumed push) keeps the previous one.
    await fresh.db.images.recordHostImage('local', NEW)
    expect(await fresh.db.images.hostImages()).toMatchObject([
      { hostId: 'local', digest: NEW, previousDigest: OLD },
    ])
  })

  it('keeps one fleet-wide rollout open at a time; a second push to one host is the first', async () => {
    const first = await fresh.db.images.createRollout(rollout())
    await expect(fresh.db.images.createRollout(rollout({ kind: 'rollback' }))).rejects.toMatchObject({
      code: 'CONFLICT',
    })
    const push = await fresh.db.images.createRollout(rollout({ kind: 'push', hostId: 'h1' }))
    expect((await fresh.db.images.createRollout(rollout({ kind: 'push', hostId: 'h1' }))).id).toBe(push.id)
    expect((await fresh.db.images.list()).map((row) => row.id)).toEqual([push.id, first.id])
  })

  it('leases a rollout to one worker; progress only from the holder; an expired lease is taken over', async () => {
    const created = await fresh.db.images.createRollout(rollout())
    const claimed = await fresh.db.images.claim('worker-a', 60_000)
    expect(claimed).toMatchObject({ id: created.id, status: 'running' })
    expect(await fresh.db.images.claim('worker-b', 60_000)).toBeNull()
    const pushing = waitingHostProgress(['local']).map((host) => ({
      ...host,
      phase: 'pushing' as const,
      bytesSent: 10,
      imageBytes: 20,
    }))
    expect(await fresh.db.images.advance(created.id, 'worker-a', 60_000, { hosts: pushing })).toBe(true)
    expect(await fresh.db.images.advance(created.id, 'worker-b', 60_000)).toBe(false)
    expect((await fresh.db.images.get(created.id))?.hosts[0]).toMatchObject({
      phase: 'pushing',
      bytesSent: 10,
    })
    // worker-a stalls past its lease: worker-b resumes the rollout, and worker-a may no longer write.
    const later = new Date(Date.now() + 120_000)
    expect(await fresh.db.images.claim('worker-b', 60_000, later)).toMatchObject({ id: created.id })
    expect(await fresh.db.images.advance(created.id, 'worker-a', 60_000)).toBe(false)
    expect(
      await fresh.db.images.advance(created.id, 'worker-b', 60_000, {
        status: 'failed',
        error: 'upgrade of x failed',
      }),
    ).toBe(true)
    expect(await fresh.db.images.get(created.id)).toMatchObject({
      status: 'failed',
      error: 'upgrade of x failed',
    })
    // Closed: a rollback may be queued now.
    await expect(fresh.db.images.createRollout(rollout({ kind: 'rollback' }))).resolves.toMatchObject({
      kind: 'rollback',
    })
  })

  it('queues an upgrade row per named decky still in the fleet, each with its pending event', async () => {
    await fresh.db.fleet.commitDeployPlan({ create: [decky('u-1', '10.9.0.1'), decky('u-2', '10.9.0.2')] })
    const ids = await fresh.db.fleet.commitUpgrade(['u-2', 'gone'], { imageRollout: 'r1' })
    const rows = await fresh.db.lifecycle.get(ids)
    expect(rows.map((row) => [row.deckyName, row.operation, row.status, row.payload])).toEqual([
      ['u-2', 'upgrade', 'pending', { imageRollout: 'r1' }],
    ])
    expect((await fresh.db.lifecycle.snapshot(ids))[0]?.eventId).toEqual(expect.any(Number))
  })
})
