import type { LifecycleRow } from '@decnet/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Client, readyAdmin } from './support/clients.ts'
import { type ServerProcess, startServerProcess } from './support/server.ts'
import { readSse } from './support/sse.ts'

async function untilTerminal(admin: Client, ids: string[]): Promise<LifecycleRow[]> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { rows } = await admin.fleet.lifecycle.query({ ids })
    if (rows.every((row) => row.status === 'succeeded' || row.status === 'failed')) return rows
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('lifecycle rows did not finish')
}

describe('live lifecycle on the local engine', () => {
  let api: ServerProcess
  let admin: Client
  let token: string
  beforeAll(async () => {
    api = await startServerProcess({ DECNET_ENGINE: 'local' })
    ;({ client: admin, token } = await readyAdmin(api.url))
  })
  afterAll(() => api.stop())

  it('a typed subscriber sees every transition of a real deploy, ending when all rows are terminal', async () => {
    const deployed = await admin.fleet.deploy.mutate({ ini: '[live]\namount = 2\nservices = ssh, http\n' })
    const seen = new Map<string, string[]>()
    await new Promise<void>((resolve, reject) => {
      const subscription = admin.fleet.watchLifecycle.subscribe(
        { ids: deployed.lifecycleIds },
        {
          onData: ({ data }) => {
            const statuses = seen.get(data.id) ?? []
            if (statuses.at(-1) !== data.status) statuses.push(data.status)
            seen.set(data.id, statuses)
          },
          onError: reject,
          onComplete: () => {
            subscription.unsubscribe()
            resolve()
          },
        },
      )
    })
    for (const id of deployed.lifecycleIds) {
      const statuses = seen.get(id)!
      expect(statuses.at(-1)).toBe('succeeded')
      // Whatever the snapshot showed, the rest arrived in order with nothing skipped.
      expect(['pending,running,succeeded', 'running,succeeded', 'succeeded']).toContain(statuses.join(','))
    }
    const fleet = await admin.fleet.list.query()
    expect(fleet.map((decky) => [decky.name, decky.state])).toEqual([
      ['live-01', 'running'],
      ['live-02', 'running'],
    ])
  })

  it('a subscriber that reconnects with its last event id misses no transition', async () => {
    const deployed = await admin.fleet.deploy.mutate({ ini: '[again]\namount = 3\nservices = ssh, ftp\n' })
    const ids = deployed.lifecycleIds
    // First connection: take the snapshot, then drop the connection at once.
    const first = await readSse(api.url, token, ids, (events) => events.length >= ids.length)
    const lastId = first.at(-1)!.id!
    await untilTerminal(admin, ids)
    // Reconnect after everything finished: the transitions missed meanwhile are replayed.
    const second = await readSse(api.url, token, ids, () => false, lastId)
    for (const id of ids) {
      const statuses = [...first, ...second]
        .filter((event) => event.data.id === id)
        .map((event) => event.data.status)
      const distinct = statuses.filter((status, index) => statuses[index - 1] !== status)
      const snapshot = first.find((event) => event.data.id === id)!.data.status
      const expected = {
        pending: ['pending', 'running', 'succeeded'],
        running: ['running', 'succeeded'],
        succeeded: ['succeeded'],
      }
      expect(distinct).toEqual(expected[snapshot as keyof typeof expected])
    }
  })
})
