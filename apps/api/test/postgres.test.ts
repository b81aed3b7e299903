import { type PostgresServer, startPostgres } from '@decnet/db/testing'
import { PostgresBus } from '@decnet/lifecycle'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { codeOf, readyAdmin } from './support/accounts.ts'
import { type InProcessApi, readEvents, startInProcessApi } from './support/in-process.ts'

// DATABASE_URL=postgres://… switches the whole API: migrations, repositories and the LISTEN/NOTIFY bus.
describe('the API on PostgreSQL', () => {
  let postgres: PostgresServer
  let api: InProcessApi
  beforeAll(async () => {
    postgres = await startPostgres()
    const databaseUrl = await postgres.createDatabase('decnet_api_test')
    api = await startInProcessApi({ env: { DATABASE_URL: databaseUrl } })
  }, 120_000)
  afterAll(async () => {
    await api?.stop()
    postgres?.stop()
  })

  it('deploys additively, refuses collisions and streams the lifecycle through LISTEN/NOTIFY', async () => {
    expect(api.services.bus).toBeInstanceOf(PostgresBus)
    const { client: admin } = await readyAdmin(api)
    const health = await admin.health.get()
    expect(health.components.database).toEqual({ status: 'up', detail: 'PostgreSQL' })

    const first = await admin.fleet.deploy({ ini: '[pg-01]\nservices = ssh, http\n' })
    expect(await codeOf(admin.fleet.deploy({ ini: '[pg-01]\nservices = ssh\n' }))).toBe('CONFLICT')
    // The stream ends by itself once every watched row is terminal.
    const events = await readEvents(await admin.fleet.watchLifecycle({ ids: first.lifecycleIds }))
    const statuses = events.map((event) => event.data.status)
    expect(statuses.at(-1)).toBe('succeeded')
    expect((await admin.fleet.list()).map((decky) => [decky.name, decky.state])).toEqual([
      ['pg-01', 'running'],
    ])
  })
})
