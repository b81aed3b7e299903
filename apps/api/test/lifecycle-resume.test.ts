// Lifecycle event ids are durable: a watcher resumes across an API restart, and an id that is not
// one of the watched rows' events gets the current rows instead.
import type { LifecycleRow } from '@decnet/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Client, login, NEW_ADMIN_PASSWORD, readyAdmin } from './support/clients.ts'
import { type ServerProcess, startServerProcess } from './support/server.ts'
import { readSse, type SseEvent } from './support/sse.ts'

async function untilTerminal(admin: Client, ids: string[]): Promise<LifecycleRow[]> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const { rows } = await admin.fleet.lifecycle.query({ ids })
    if (
      rows.length === ids.length &&
      rows.every((row) => row.status === 'succeeded' || row.status === 'failed')
    )
      return rows
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('lifecycle rows did not finish')
}

/** Each row's statuses in the order they arrived, repeats folded. */
function statusesOf(events: SseEvent[], id: string): string[] {
  const statuses = events.filter((event) => event.data.id === id).map((event) => event.data.status)
  return statuses.filter((status, index) => statuses[index - 1] !== status)
}

describe('watchLifecycle resumes from durable event ids', () => {
  let api: ServerProcess
  let admin: Client
  let token: string
  beforeAll(async () => {
    api = await startServerProcess({ DECNET_ENGINE: 'local' })
    ;({ client: admin, token } = await readyAdmin(api.url))
  })
  afterAll(() => api.stop())

  it('an id from before an API restart replays what happened after it, on the new process', async () => {
    const deployed = await admin.fleet.deploy.mutate({ ini: '[rst]\namount = 2\nservices = ssh\n' })
    const ids = deployed.lifecycleIds
    const first = await readSse(api.url, token, ids, (events) => events.length >= ids.length)
    const lastId = first.at(-1)?.id
    expect(lastId).toMatch(/^\d+$/)
    // Every snapshot event carries the same position.
    expect(new Set(first.map((event) => event.id)).size).toBe(1)
    await untilTerminal(admin, ids)

    // Restart on the same data: the new process has seen no transition at all.
    await api.kill('SIGTERM')
    api = await startServerProcess({ DECNET_ENGINE: 'local' }, api.dataDir)
    ;({ client: admin, token } = await login(api.url, 'admin', NEW_ADMIN_PASSWORD))

    const second = await readSse(api.url, token, ids, () => false, lastId)
    expect(second.length).toBeGreaterThan(0)
    const expected = {
      pending: ['pending', 'running', 'succeeded'],
      running: ['running', 'succeeded'],
      succeeded: ['succeeded'],
    }
    for (const id of ids) {
      const snapshot = first.find((event) => event.data.id === id)?.data.status as keyof typeof expected
      expect(statusesOf([...first, ...second], id)).toEqual(expected[snapshot])
    }
    // Replayed events are tracked by their own, increasing, event ids.
    const replayedIds = second.map((event) => Number(event.id))
    expect(
      replayedIds.every((id, i) => id > Number(lastId) && (i === 0 || id > (replayedIds[i - 1] ?? 0))),
    ).toBe(true)

    // Resuming from the last replayed id: nothing is sent twice, the stream just ends.
    const third = await readSse(api.url, token, ids, () => false, second.at(-1)?.id)
    expect(third).toEqual([])
  })

  it('an unknown, unparseable or another row`s event id gets the current rows', async () => {
    const mine = (await admin.fleet.deploy.mutate({ ini: '[snap]\namount = 1\nservices = ssh\n' }))
      .lifecycleIds
    const other = (await admin.fleet.deploy.mutate({ ini: '[oth]\namount = 1\nservices = ssh\n' }))
      .lifecycleIds
    await untilTerminal(admin, [...mine, ...other])
    const otherEvents = await readSse(api.url, token, other, () => false)
    const otherId = otherEvents.at(-1)?.id
    const myEvents = await readSse(api.url, token, mine, () => false)
    expect(otherId).toMatch(/^\d+$/)
    expect(otherId).not.toBe(myEvents.at(-1)?.id)
    for (const lastEventId of ['99999999', 'not-a-number', '0', otherId]) {
      const events = await readSse(api.url, token, mine, () => false, lastEventId)
      expect(events.map((event) => [event.data.id, event.data.status])).toEqual([[mine[0], 'succeeded']])
      expect(events[0]?.id).toBe(myEvents.at(-1)?.id)
    }
  })
})
