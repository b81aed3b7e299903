import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createApiClient } from '@decnet/api/client'
import { createDatabase } from '@decnet/db'
import { startPostgres } from '@decnet/db/testing'
import { expect, test } from '@playwright/test'
import { type ApiProcess, startApiProcess } from '../../fixtures/api-process.ts'
import { removeInstance } from '../../fixtures/docker.ts'
import { freeSubnet } from '../../fixtures/network.ts'
import { RoundRobinProxy } from '../../fixtures/round-robin-proxy.ts'
import { readSubscription, type TrackedEvent } from '../../fixtures/sse.ts'

type Row = { id: string; deckyName: string; status: string }

const ADMIN_PASSWORD = 'e2e-two-apis-admin-1'
const NEW_PASSWORD = 'e2e-two-apis-admin-2'

test('two API processes on one PostgreSQL behind a round-robin proxy: a watcher reconnecting after every event, and one staying connected, each see every transition once, in order', async () => {
  test.setTimeout(300_000)
  const postgres = await startPostgres()
  const dataDirs: string[] = []
  const apis: ApiProcess[] = []
  const instance = `e2err${process.pid}`
  let proxy: RoundRobinProxy | undefined
  try {
    const databaseUrl = await postgres.createDatabase('decnet_two_apis')
    const { subnet, gateway } = freeSubnet('172.31', process.pid + 333)
    for (let i = 0; i < 2; i++) {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'decnet-e2e-rr-'))
      dataDirs.push(dataDir)
      // One after the other: the first migrates and creates the admin.
      apis.push(
        await startApiProcess({
          DATABASE_URL: databaseUrl,
          DECNET_DATA_DIR: dataDir,
          DECNET_ENGINE: 'docker',
          DECNET_INSTANCE: instance,
          DECNET_SUBNET: subnet,
          DECNET_GATEWAY: gateway,
          DECNET_SESSION_SECRET: 'e2e-two-apis-session-secret-0123456789abcdef',
          DECNET_ADMIN_PASSWORD: ADMIN_PASSWORD,
          DECNET_RUNNER_CONCURRENCY: '1',
        }),
      )
    }
    const started = await RoundRobinProxy.start(apis.map((api) => api.port))
    proxy = started.proxy
    const url = started.url

    const first = await createApiClient(url).auth.login.mutate({
      username: 'admin',
      password: ADMIN_PASSWORD,
    })
    const { token } = await createApiClient(url, first.token).auth.changePassword.mutate({
      oldPassword: ADMIN_PASSWORD,
      newPassword: NEW_PASSWORD,
    })
    const client = createApiClient(url, token)
    const { lifecycleIds: ids } = await client.fleet.deploy.mutate({
      ini: '[rr]\namount = 4\nservices = ssh\n',
    })
    expect(ids).toHaveLength(4)

    // The watcher that stays connected, on whichever process the proxy picks.
    const steady = readSubscription<Row>(url, 'fleet.watchLifecycle', { ids }, token, undefined, () => false)

    // The watcher that hangs up after every event and resumes with its last event id through the
    // proxy, so consecutive connections land on the other process.
    const hopping: TrackedEvent<Row>[] = []
    let lastEventId: string | undefined
    let connections = 0
    for (;;) {
      const isFirst = lastEventId === undefined
      const { events, ended } = await readSubscription<Row>(
        url,
        'fleet.watchLifecycle',
        { ids },
        token,
        lastEventId,
        (got) => got.length >= (isFirst ? ids.length : 1),
      )
      connections++
      hopping.push(...events)
      lastEventId = events.at(-1)?.id ?? lastEventId
      if (ended) break
      expect(connections).toBeLessThan(100)
    }
    const { events: steadyEvents, ended: steadyEnded } = await steady
    expect(steadyEnded).toBe(true)
    expect(connections).toBeGreaterThan(4)
    // Both processes served this test's connections.
    expect(proxy.connections.every((count) => count >= 3)).toBe(true)

    const db = createDatabase(databaseUrl)
    try {
      // A failed deploy says why in the assertion, not only that it failed.
      const outcomes = (await db.lifecycle.get(ids)).map(
        (row) => `${row.deckyName}: ${row.status} ${row.error ?? ''}`,
      )
      expect(outcomes.filter((outcome) => !outcome.includes(': succeeded'))).toEqual([])
      for (const events of [hopping, steadyEvents]) {
        const snapshot = events.slice(0, ids.length)
        expect(new Set(snapshot.map((event) => event.data.id))).toEqual(new Set(ids))
        expect(new Set(snapshot.map((event) => event.id)).size).toBe(1)
        const after = events.slice(ids.length)
        // In order, none twice: strictly increasing event ids after the snapshot's position.
        const positions = [Number(snapshot[0]?.id), ...after.map((event) => Number(event.id))]
        expect(positions.every((id, i) => i === 0 || id > (positions[i - 1] ?? 0))).toBe(true)
        // None lost: exactly the transitions the database recorded after that position.
        const recorded = await db.lifecycle.eventsAfter(ids, Number(snapshot[0]?.id))
        expect(after.map((event) => [Number(event.id), event.data.id, event.data.status])).toEqual(
          recorded.map((event) => [event.id, event.lifecycleId, event.status]),
        )
        for (const id of ids) {
          const statuses = events.filter((event) => event.data.id === id).map((event) => event.data.status)
          expect(statuses.at(-1)).toBe('succeeded')
          expect([
            ['pending', 'running', 'succeeded'],
            ['running', 'succeeded'],
            ['succeeded'],
          ]).toContainEqual(statuses)
        }
      }
    } finally {
      await db.close()
    }
  } finally {
    await proxy?.close()
    for (const api of apis) await api.stop()
    removeInstance(instance)
    postgres.stop()
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true })
  }
})
