// fleet.watchLifecycle in process: every transition of a real deploy on the local engine, in order,
// tracked by durable event ids a subscriber resumes from (the Last-Event-ID header and a resume
// across an API restart are the wire's: lifecycle-resume.test.ts).
import { describe, expect, it } from 'vitest'
import { inProcessApiOfSuite, readEvents } from './support/in-process.ts'
import { AFTER_SNAPSHOT, expectReplayed, statusesOf, untilTerminal } from './support/lifecycle.ts'

describe('live lifecycle on the local engine', () => {
  const { admin } = inProcessApiOfSuite()
  const watch = async (ids: string[], lastEventId?: string) =>
    admin.fleet.watchLifecycle({ ids, ...(lastEventId ? { lastEventId } : {}) })

  it('a subscriber sees every transition of a real deploy, ending when all rows are terminal', async () => {
    const deployed = await admin.fleet.deploy({ ini: '[live]\namount = 2\nservices = ssh, http\n' })
    const events = await readEvents(await watch(deployed.lifecycleIds))
    for (const id of deployed.lifecycleIds) {
      const statuses = statusesOf(events, id)
      expect(statuses.at(-1)).toBe('succeeded')
      // Whatever the snapshot showed, the rest arrived in order with nothing skipped.
      expect(statuses).toEqual(AFTER_SNAPSHOT[statuses[0] ?? ''])
    }
    const fleet = await admin.fleet.list()
    expect(fleet.map((decky) => [decky.name, decky.state])).toEqual([
      ['live-01', 'running'],
      ['live-02', 'running'],
    ])
  })

  it('a subscriber that resumes from its last event id misses no transition and gets none twice', async () => {
    const deployed = await admin.fleet.deploy({ ini: '[again]\namount = 3\nservices = ssh, ftp\n' })
    const ids = deployed.lifecycleIds
    // First subscription: take the snapshot, then hang up at once.
    const first = await readEvents(await watch(ids), (events) => events.length >= ids.length)
    const lastId = first.at(-1)?.id
    expect(lastId).toMatch(/^\d+$/)
    // Every snapshot event carries the same position.
    expect(new Set(first.map((event) => event.id)).size).toBe(1)
    await untilTerminal(admin.fleet.lifecycle, ids)
    // Resumed after everything finished: the transitions missed meanwhile are replayed.
    const second = await readEvents(await watch(ids, lastId))
    expectReplayed(first, second, ids, lastId)
    // Resuming from the last replayed id: nothing is sent twice, the stream just ends.
    expect(await readEvents(await watch(ids, second.at(-1)?.id))).toEqual([])
  })

  it('an unknown, unparseable or another row`s event id gets the current rows', async () => {
    const mine = (await admin.fleet.deploy({ ini: '[snap]\namount = 1\nservices = ssh\n' })).lifecycleIds
    const other = (await admin.fleet.deploy({ ini: '[oth]\namount = 1\nservices = ssh\n' })).lifecycleIds
    await untilTerminal(admin.fleet.lifecycle, [...mine, ...other])
    const otherId = (await readEvents(await watch(other))).at(-1)?.id
    const myEvents = await readEvents(await watch(mine))
    expect(otherId).toMatch(/^\d+$/)
    expect(otherId).not.toBe(myEvents.at(-1)?.id)
    for (const lastEventId of ['99999999', 'not-a-number', '0', otherId]) {
      const events = await readEvents(await watch(mine, lastEventId))
      expect(events.map((event) => [event.data.id, event.data.status])).toEqual([[mine[0], 'succeeded']])
      expect(events[0]?.id).toBe(myEvents.at(-1)?.id)
    }
  })
})
