import path from 'node:path'
import { createDatabase, type DecnetDatabase } from '@decnet/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Client, codeOf, readyAdmin } from './support/clients.ts'
import { type ServerProcess, startServerProcess } from './support/server.ts'

const HEARTBEAT_MS = 200

/**
 * Hosts that never answer (a closed port; enrollment needs a real engine, so the rows are written
 * straight into the API's database, as an earlier enrollment would have left them).
 */
describe('hosts that stop answering', () => {
  let api: ServerProcess
  let admin: Client
  let db: DecnetDatabase
  const ghost = async (name: string) => {
    const host = await db.hosts.create({
      name,
      dockerUrl: 'tcp://127.0.0.1:1',
      tls: { ca: 'sealed?', cert: 'sealed?', key: 'sealed?' },
      network: { driver: 'bridge', subnet: '10.77.0.0/24', gateway: '10.77.0.1' },
      capacity: 1000,
    })
    await db.hosts.setStatus(host.id, 'active', new Date())
    return host
  }
  const statusOf = async (id: string) => (await admin.hosts.get.query({ id })).status
  const until = async (condition: () => Promise<boolean>, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('condition not met in time')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  beforeAll(async () => {
    api = await startServerProcess({
      DECNET_SECRET_KEY: 'api-test-secret-key-for-host-material-0123',
      DECNET_HOST_HEARTBEAT_MS: String(HEARTBEAT_MS),
      DECNET_DISABLE_WORKERS: 'collector,mutator',
    })
    admin = (await readyAdmin(api.url)).client
    db = createDatabase(`file:${path.join(api.dataDir, 'decnet.db')}`)
  })
  afterAll(async () => {
    await db.close()
    await api.stop()
  })

  it('an unreachable host is refused by name and never chosen automatically; its queued rows fail with why', async () => {
    const host = await ghost('ghost-1')
    // Deckies already placed there (committed while it answered).
    const { lifecycleIds } = await db.fleet.commitDeployPlan({
      create: [
        {
          name: 'stranded',
          hostId: host.id,
          ip: '10.77.0.5',
          mac: '02:00:00:00:00:05',
          hostname: 'stranded',
          distro: 'debian',
          services: ['ssh'],
          serviceConfig: {},
          osFamily: 'linux',
        },
      ],
    })
    await until(async () => (await statusOf(host.id)) === 'unreachable')
    // Health says so (counts only: health.get is public), and the installation is degraded, not down.
    const health = await admin.health.get.query()
    expect(health.components.hosts).toEqual({ status: 'down', detail: '1 of 1 enrolled host unreachable' })
    expect(health.status).toBe('degraded')
    await until(
      async () => (await admin.fleet.lifecycle.query({ ids: lifecycleIds })).rows[0]?.status === 'failed',
    )
    const [row] = (await admin.fleet.lifecycle.query({ ids: lifecycleIds })).rows
    expect(row?.error).toMatch(/host ghost-1 (stopped answering|is unreachable)/)
    expect(await admin.fleet.get.query({ name: 'stranded' })).toMatchObject({
      state: 'failed',
      hostName: 'ghost-1',
    })

    const named = admin.fleet.deploy.mutate({ ini: '[pinned]\nservices = ssh\nhost = ghost-1\n' })
    await expect(named).rejects.toThrow("host 'ghost-1' is unreachable")
    expect(await codeOf(named)).toBe('CONFLICT')
    const unknown = admin.fleet.deploy.mutate({ ini: '[pinned]\nservices = ssh\nhost = nowhere\n' })
    await expect(unknown).rejects.toThrow("no enrolled host named 'nowhere'")
    expect(await codeOf(unknown)).toBe('NOT_FOUND')

    const automatic = await admin.fleet.deploy.mutate({
      ini: '[auto-1]\nservices = ssh\n\n[auto-2]\nservices = ssh\n',
    })
    expect(automatic.mode).toBe('unihost')
    const placed = (await admin.fleet.list.query()).filter((decky) => decky.name.startsWith('auto-'))
    expect(placed.map((decky) => decky.hostName)).toEqual(['local', 'local'])
  })

  it('decommissioning an unreachable host removes its deckies from the fleet at once and says what was left', async () => {
    const host = await ghost('ghost-2')
    await db.fleet.commitDeployPlan({
      create: [
        {
          name: 'left-behind',
          hostId: host.id,
          ip: '10.77.0.9',
          mac: '02:00:00:00:00:09',
          hostname: 'left-behind',
          distro: 'debian',
          services: ['ssh'],
          serviceConfig: {},
          osFamily: 'linux',
        },
      ],
    })
    await until(async () => (await statusOf(host.id)) === 'unreachable')
    // A log position the collector kept for one of its containers.
    const positionKey = `collector.host.${host.id}.position.0123abcd`
    await db.settings.set(positionKey, '2026-11-25T10:00:00.000000000Z 1')
    expect(await db.settings.get(positionKey)).toBe('2026-11-25T10:00:00.000000000Z 1')
    const result = await admin.hosts.decommission.mutate({ id: host.id })
    expect(result.message).toContain('decommissioned while unreachable: 1 deckies removed')
    expect(result.message).toContain('remove their containers on that machine')
    expect(await statusOf(host.id)).toBe('decommissioned')
    expect((await admin.fleet.list.query()).map((decky) => decky.name)).not.toContain('left-behind')
    const { rows } = await admin.fleet.lifecycle.query({ ids: result.lifecycleIds })
    expect(rows.map((row) => [row.operation, row.status])).toEqual([['teardown', 'failed']])

    expect(await codeOf(admin.hosts.decommission.mutate({ id: host.id }))).toBe('CONFLICT')
    // Several heartbeats later it is still decommissioned (no beat brings it back).
    await new Promise((resolve) => setTimeout(resolve, 4 * HEARTBEAT_MS))
    expect(await statusOf(host.id)).toBe('decommissioned')
    expect(await db.settings.get(positionKey)).toBeUndefined()
  })

  it('the built-in local host cannot be decommissioned', async () => {
    expect(await codeOf(admin.hosts.decommission.mutate({ id: 'local' }))).toBe('BAD_REQUEST')
  })
})
