import { type PostgresServer, startPostgres } from '@decnet/db/testing'
import { PostgresBus } from '@decnet/lifecycle'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { codeOf } from './support/accounts.ts'
import { inProcessApiOfSuite, readEvents } from './support/in-process.ts'

// DATABASE_URL=postgres://… switches the whole API: migrations, repositories and the LISTEN/NOTIFY bus.
describe('the API on PostgreSQL', () => {
  let postgres: PostgresServer
  beforeAll(async () => {
    postgres = await startPostgres()
  }, 120_000)
  afterAll(() => postgres?.stop())
  const api = inProcessApiOfSuite(async () => ({
    env: { DATABASE_URL: await postgres.createDatabase('decnet_api_test') },
  }))

  it('deploys additively, refuses collisions and streams the lifecycle through LISTEN/NOTIFY', async () => {
    expect(api.services.bus).toBeInstanceOf(PostgresBus)
    const { admin } = api
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
