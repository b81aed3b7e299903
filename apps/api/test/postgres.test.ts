import { type PostgresServer, startPostgres } from '@decnet/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { codeOf, readyAdmin } from './support/clients.ts'
import { type ServerProcess, startServerProcess } from './support/server.ts'

// DATABASE_URL=postgres://… switches the whole API: migrations, repositories and the LISTEN/NOTIFY bus.
describe('the API on PostgreSQL', () => {
  let postgres: PostgresServer
  let api: ServerProcess
  beforeAll(async () => {
    postgres = await startPostgres()
    const databaseUrl = await postgres.createDatabase('decnet_api_test')
    api = await startServerProcess({ DECNET_ENGINE: 'local', DATABASE_URL: databaseUrl })
  }, 120_000)
  afterAll(async () => {
    await api?.stop()
    postgres?.stop()
  })

  it('deploys additively, refuses collisions and streams the lifecycle through LISTEN/NOTIFY', async () => {
    expect(api.output()).toContain('listening')
    const { client: admin } = await readyAdmin(api.url)
    const health = await admin.health.get.query()
    expect(health.components.database).toEqual({ status: 'up', detail: 'PostgreSQL' })

    const first = await admin.fleet.deploy.mutate({ ini: '[pg-01]\nservices = ssh, http\n' })
    expect(await codeOf(admin.fleet.deploy.mutate({ ini: '[pg-01]\nservices = ssh\n' }))).toBe('CONFLICT')
    const statuses: string[] = []
    await new Promise<void>((resolve, reject) => {
      const subscription = admin.fleet.watchLifecycle.subscribe(
        { ids: first.lifecycleIds },
        {
          onData: ({ data }) => {
            if (statuses.at(-1) !== data.status) statuses.push(data.status)
          },
          onError: reject,
          onComplete: () => {
            subscription.unsubscribe()
            resolve()
          },
        },
      )
    })
    expect(statuses.at(-1)).toBe('succeeded')
    expect((await admin.fleet.list.query()).map((decky) => [decky.name, decky.state])).toEqual([
      ['pg-01', 'running'],
    ])
  })
})
