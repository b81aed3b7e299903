// Channels and deliveries on both databases: the fan-out from the Alert outbox (cursor, minimum
// severity, channels that existed, test alerts passed over, idempotent), the claim's lease, and
// finish() refusing an outcome for an attempt that lost its lease.
import { NO_OPERATOR_ACTION } from '@decnet/core'
import { describe, expect, it } from 'vitest'
import { ConflictError } from '../src/errors.ts'
import type { AlertInput, ChannelInput } from '../src/types.ts'
import { databases, freshDatabaseEachTest } from './fixtures.ts'

const T = (second: number) => new Date(Date.UTC(2026, 11, 3, 10, 0, second))

function alert(
  key: string,
  severity: AlertInput['severity'],
  reason: AlertInput['reason'] = 'opened',
): AlertInput {
  const at = T(10).toISOString()
  return {
    idempotencyKey: key,
    incidentId: null,
    reason,
    severity,
    createdAt: at,
    title: `${severity}: 203.0.113.7`,
    incident: {
      id: 'i1',
      attackerIp: '203.0.113.7',
      decky: 'decky-01',
      deckies: ['decky-01'],
      services: ['ssh'],
      severity,
      reasons: [],
      state: 'open',
      firstSeen: at,
      lastSeen: at,
      eventCount: 1,
      ...NO_OPERATOR_ACTION,
    },
    events: [],
    url: null,
  }
}

const channel = (name: string, minSeverity: ChannelInput['minSeverity']): ChannelInput => ({
  name,
  kind: 'webhook',
  config: { url: 'https://hooks.example/x' },
  sealedSecrets: null,
  minSeverity,
  enabled: true,
  allowPrivateTargets: false,
})

describe.each(databases())('alert delivery repositories on $kind', (provider) => {
  const fresh = freshDatabaseEachTest(provider)

  it('fans outbox alerts out once, by severity, to channels that existed, moving the cursor', async () => {
    const { db } = fresh
    const all = await db.channels.create(channel('all', 'low'), T(0))
    const high = await db.channels.create(channel('high', 'high'), T(0))
    const late = await db.channels.create(channel('late', 'low'), T(20))
    const off = await db.channels.create({ ...channel('off', 'low'), enabled: false }, T(0))
    await expect(db.channels.create(channel('all', 'low'))).rejects.toBeInstanceOf(ConflictError)
    await db.incidents.addAlert(alert('a-low', 'low'))
    await db.incidents.addAlert(alert('a-critical', 'critical'))
    await db.incidents.addAlert(alert('a-test', 'critical', 'test'))
    expect(await db.deliveries.alertsWaiting()).toBe(true)
    expect(await db.deliveries.fanOut(T(30))).toBe(3)
    expect(await db.deliveries.alertsWaiting()).toBe(false)
    expect(await db.deliveries.fanOut(T(31))).toBe(0)
    const rows = await db.deliveries.list({ limit: 50 })
    const pairs = rows.map((row) => `${row.idempotencyKey}>${row.channelId}`).sort()
    expect(pairs).toEqual([`a-critical>${all.id}`, `a-critical>${high.id}`, `a-low>${all.id}`].sort())
    expect(pairs.join()).not.toContain(late.id)
    expect(pairs.join()).not.toContain(off.id)
    // The message carries the outbox row's id, as every alert does.
    const critical = rows.find((row) => row.idempotencyKey === 'a-critical')
    expect(JSON.parse(critical?.message ?? '{}').id).toBe(critical?.alertId)
  })

  it('claims lease a delivery; only the attempt holding it records its outcome', async () => {
    const { db } = fresh
    const target = await db.channels.create(channel('c', 'low'), T(0))
    const [id] = await db.deliveries.enqueue(
      [{ alertId: 'x1', channelId: target.id, idempotencyKey: 'k1', severity: 'low', message: '{}' }],
      T(0),
    )
    expect(
      await db.deliveries.enqueue([
        { alertId: 'x1', channelId: target.id, idempotencyKey: 'k1', severity: 'low', message: '{}' },
      ]),
    ).toEqual([])
    const [claimed] = await db.deliveries.claim(target.id, 5, 10_000, T(1))
    expect(claimed?.id).toBe(id)
    expect(claimed?.attempts).toBe(1)
    // Leased: not due again until the lease passes.
    expect((await db.deliveries.dueByChannel(T(2))).get(target.id)).toBeUndefined()
    expect(await db.deliveries.claim(target.id, 5, 10_000, T(2))).toEqual([])
    // The lease passed (the process died): another attempt takes it.
    const [again] = await db.deliveries.claim(target.id, 5, 10_000, T(12))
    expect(again?.attempts).toBe(2)
    expect(await db.deliveries.finish(id ?? '', 1, { status: 'delivered' }, T(13))).toBe(false)
    expect(
      await db.deliveries.finish(id ?? '', 2, { status: 'failed', error: 'HTTP 503', retryAt: T(20) }, T(13)),
    ).toBe(true)
    expect((await db.deliveries.dueByChannel(T(19))).get(target.id)).toBeUndefined()
    expect((await db.deliveries.dueByChannel(T(20))).get(target.id)).toBe(1)
    const [third] = await db.deliveries.claim(target.id, 5, 10_000, T(20))
    expect(await db.deliveries.finish(id ?? '', third?.attempts ?? 0, { status: 'delivered' }, T(21))).toBe(
      true,
    )
    const [done] = await db.deliveries.list({ id })
    expect(done?.status).toBe('delivered')
    expect(done?.deliveredAt?.toISOString()).toBe(T(21).toISOString())
    expect((await db.deliveries.backlogByChannel()).get(target.id)).toBeUndefined()
  })

  it('an update resets the breaker and makes waiting retries due; removal takes the deliveries along', async () => {
    const { db } = fresh
    const target = await db.channels.create(channel('c', 'low'), T(0))
    const [id] = await db.deliveries.enqueue(
      [{ alertId: 'x1', channelId: target.id, idempotencyKey: 'k1', severity: 'low', message: '{}' }],
      T(0),
    )
    await db.deliveries.claim(target.id, 1, 1_000, T(1))
    await db.deliveries.finish(id ?? '', 1, { status: 'failed', error: 'down', retryAt: T(50) }, T(2))
    await db.channels.setHealth(target.id, {
      breakerState: 'open',
      consecutiveFailures: 5,
      breakerRetryAt: T(60),
      lastError: 'down',
      lastErrorAt: T(2),
    })
    expect((await db.channels.get(target.id))?.updatedAt.toISOString()).toBe(T(0).toISOString())
    const updated = await db.channels.update(target.id, { minSeverity: 'high' }, T(3))
    expect(updated).toMatchObject({
      breakerState: 'closed',
      consecutiveFailures: 0,
      minSeverity: 'high',
      lastError: 'down',
    })
    expect((await db.deliveries.dueByChannel(T(3))).get(target.id)).toBe(1)
    expect(await db.channels.remove(target.id)).toBe(true)
    expect(await db.deliveries.list({})).toEqual([])
    expect(await db.channels.remove(target.id)).toBe(false)
  })
})
