// Lifecycle event ids are durable: a watcher resumes with the Last-Event-ID header across an API
// restart, on the new process. (Resuming within one process, and ids that are not the watched rows'
// events: lifecycle-live.test.ts, in process.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { login, NEW_ADMIN_PASSWORD, readyAdmin } from './support/accounts.ts'
import type { Client } from './support/clients.ts'
import { expectReplayed, untilTerminal } from './support/lifecycle.ts'
import { type ServerProcess, startServerProcess } from './support/server.ts'
import { readSse } from './support/sse.ts'

describe('watchLifecycle resumes from durable event ids over SSE', () => {
  /** The first process, which owns the data directory; `api` is the one the test talks to. */
  let firstRun: ServerProcess
  let api: ServerProcess
  let admin: Client
  let token: string
  beforeAll(async () => {
    firstRun = await startServerProcess({ DECNET_ENGINE: 'local' })
    api = firstRun
    ;({ client: admin, token } = await readyAdmin(api))
  })
  afterAll(async () => {
    await api.stop()
    await firstRun.stop()
  })

  it('an id from before an API restart replays what happened after it, on the new process', async () => {
    const deployed = await admin.fleet.deploy.mutate({ ini: '[rst]\namount = 2\nservices = ssh\n' })
    const ids = deployed.lifecycleIds
    const first = await readSse(api.url, token, ids, (events) => events.length >= ids.length)
    const lastId = first.at(-1)?.id
    expect(lastId).toMatch(/^\d+$/)
    // Every snapshot event carries the same position.
    expect(new Set(first.map((event) => event.id)).size).toBe(1)
    await untilTerminal(admin.fleet.lifecycle.query, ids)

    // Restart on the same data: the new process has seen no transition at all.
    await firstRun.kill('SIGTERM')
    api = await startServerProcess({ DECNET_ENGINE: 'local' }, firstRun.dataDir)
    ;({ client: admin, token } = await login(api, 'admin', NEW_ADMIN_PASSWORD))

    const second = await readSse(api.url, token, ids, () => false, lastId)
    expect(second.length).toBeGreaterThan(0)
    expectReplayed(first, second, ids, lastId)

    // Resuming from the last replayed id: nothing is sent twice, the stream just ends.
    const third = await readSse(api.url, token, ids, () => false, second.at(-1)?.id)
    expect(third).toEqual([])
  })
})
