import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { DecnetDatabase } from '@decnet/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSecretBox } from '../src/secrets/secret-box.ts'
import { codeOf, login, NEW_ADMIN_PASSWORD } from './support/accounts.ts'
import { inProcessApiOfSuite } from './support/in-process.ts'

const HEARTBEAT_MS = 200
const SECRET_KEY = 'api-test-secret-key-for-host-material-0123'
const HOST_CERTS = fileURLToPath(new URL('../../../scripts/host-certs.sh', import.meta.url))

/**
 * Engines that go silent: a TCP port that accepts connections and never says a word (a frozen or
 * partitioned daemon), reached with real certificates. Enrollment needs a live engine, so the host
 * rows are written straight into the API's database, sealed with its key, as an enrollment left them.
 */
describe('hosts that stop answering', () => {
  const api = inProcessApiOfSuite({
    env: {
      DECNET_SECRET_KEY: SECRET_KEY,
      DECNET_HOST_HEARTBEAT_MS: String(HEARTBEAT_MS),
      DECNET_DISABLE_WORKERS: 'collector,mutator',
    },
  })
  const admin = api.admin
  let db: DecnetDatabase
  let silent: net.Server
  let silentPort: number
  let tls: { ca: string; cert: string; key: string }
  const held: net.Socket[] = []

  const enrollSilent = async (name: string, deckies: { name: string; ip: string }[] = []) => {
    const box = createSecretBox(SECRET_KEY)
    const host = await db.hosts.create({
      name,
      dockerUrl: `tcp://127.0.0.1:${silentPort}`,
      tls: { ca: box.seal(tls.ca), cert: box.seal(tls.cert), key: box.seal(tls.key) },
      network: { driver: 'bridge', subnet: '10.77.0.0/24', gateway: '10.77.0.1' },
      capacity: 1000,
    })
    await db.hosts.setStatus(host.id, 'active', new Date())
    const { lifecycleIds } = await db.fleet.commitDeployPlan({
      create: deckies.map((decky) => ({
        ...decky,
        hostId: host.id,
        mac: '02:00:00:00:00:05',
        hostname: decky.name,
        distro: 'debian',
        services: ['ssh'],
        serviceConfig: {},
        osFamily: 'linux',
      })),
    })
    return { host, lifecycleIds }
  }
  const statusOf = async (id: string) => (await admin.hosts.get({ id })).status
  const until = async (condition: () => Promise<boolean>, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('condition not met in time')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  beforeAll(async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'decnet-api-certs-')), 'tls')
    execFileSync('bash', [HOST_CERTS, dir, '127.0.0.1'], { stdio: 'ignore' })
    const read = (file: string) => readFileSync(path.join(dir, file), 'utf8')
    tls = { ca: read('ca.pem'), cert: read('client-cert.pem'), key: read('client-key.pem') }
    silent = net.createServer((socket) => held.push(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    silentPort = (silent.address() as net.AddressInfo).port
    db = api.services.db
  })
  afterAll(async () => {
    for (const socket of held) socket.destroy()
    silent.close()
  })

  it('is marked unreachable, refused by name and never chosen automatically; its queued rows fail with why', async () => {
    const { host, lifecycleIds } = await enrollSilent('ghost-1', [{ name: 'stranded', ip: '10.77.0.5' }])
    await until(async () => (await statusOf(host.id)) === 'unreachable')
    await until(async () => (await admin.fleet.lifecycle({ ids: lifecycleIds })).rows[0]?.status === 'failed')
    const [row] = (await admin.fleet.lifecycle({ ids: lifecycleIds })).rows
    // The heartbeat's own words: it timed out, the engine was not merely misconfigured.
    expect(row?.error).toMatch(
      /^host ghost-1 stopped answering \(3 missed heartbeats\): no answer within \d+ ms/,
    )
    // Nothing is known of it while its host is silent: shown unknown, recorded failed with why.
    const stranded = await admin.fleet.get({ name: 'stranded' })
    expect(stranded).toMatchObject({ state: 'unknown', hostName: 'ghost-1' })
    expect(stranded.lastError).toContain('host ghost-1 stopped answering')
    expect((await db.fleet.get('stranded'))?.state).toBe('failed')

    // Health: degraded, with counts for a signed-in caller and none for anyone else.
    const health = await admin.health.get()
    expect(health.components.hosts).toEqual({ status: 'down', detail: '1 of 1 enrolled host unreachable' })
    expect(health.status).toBe('degraded')
    const anonymous = await api.as().health.get()
    expect(anonymous.components.hosts).toEqual({ status: 'down', detail: 'an enrolled host is unreachable' })

    const named = admin.fleet.deploy({ ini: '[pinned]\nservices = ssh\nhost = ghost-1\n' })
    await expect(named).rejects.toThrow("host 'ghost-1' is unreachable")
    expect(await codeOf(named)).toBe('CONFLICT')
    const unknown = admin.fleet.deploy({ ini: '[pinned]\nservices = ssh\nhost = nowhere\n' })
    await expect(unknown).rejects.toThrow("no enrolled host named 'nowhere'")
    expect(await codeOf(unknown)).toBe('NOT_FOUND')

    const automatic = await admin.fleet.deploy({
      ini: '[auto-1]\nservices = ssh\n\n[auto-2]\nservices = ssh\n',
    })
    expect(automatic.mode).toBe('unihost')
    const placed = (await admin.fleet.list()).filter((decky) => decky.name.startsWith('auto-'))
    expect(placed.map((decky) => decky.hostName)).toEqual(['local', 'local'])

    // A mutation there is refused with why; a teardown is taken and its row fails on the next round
    // instead of waiting for the host; the decky stays pending_removal, its name and IP still taken.
    const mutation = admin.fleet.mutate({ name: 'stranded' })
    await expect(mutation).rejects.toThrow('stranded is on host ghost-1, which is unreachable')
    expect(await codeOf(mutation)).toBe('CONFLICT')
    const teardown = await admin.fleet.teardown({ name: 'stranded' })
    await until(
      async () => (await admin.fleet.lifecycle({ ids: teardown.lifecycleIds })).rows[0]?.status === 'failed',
    )
    const [torn] = (await admin.fleet.lifecycle({ ids: teardown.lifecycleIds })).rows
    expect(torn?.error).toBe(
      'host ghost-1 is unreachable; nothing was done there (its containers stay until it answers again)',
    )
    expect(teardown.message).toContain('stranded stay pending removal until their host answers')
    expect(await admin.fleet.get({ name: 'stranded' })).toMatchObject({
      state: 'pending_removal',
      ip: '10.77.0.5',
    })
    const reused = admin.fleet.deploy({ ini: '[stranded]\nservices = ssh\n' })
    await expect(reused).rejects.toThrow("decky 'stranded' is still being removed")
    expect(await codeOf(reused)).toBe('CONFLICT')
  })

  it('decommissioning an unreachable host removes its deckies from the fleet at once and says what was left', async () => {
    const { host } = await enrollSilent('ghost-2', [{ name: 'left-behind', ip: '10.77.0.9' }])
    await until(async () => (await statusOf(host.id)) === 'unreachable')
    // A log position the collector kept for one of its containers.
    const positionKey = `collector.host.${host.id}.position.0123abcd`
    await db.settings.set(positionKey, '2026-11-25T10:00:00.000000000Z 1')
    expect(await db.settings.get(positionKey)).toBe('2026-11-25T10:00:00.000000000Z 1')
    const result = await admin.hosts.decommission({ id: host.id })
    expect(result.message).toContain('decommissioned without answering: 1 deckies removed from the fleet')
    expect(result.message).toContain('swept if it answers again')
    expect(await statusOf(host.id)).toBe('decommissioned')
    // What was left there is listed on the host (and in the audit log, by the operator who asked).
    const retired = await admin.hosts.get({ id: host.id })
    expect(retired.leftovers).toMatchObject({
      deckies: [{ name: 'left-behind', ip: '10.77.0.9', services: ['ssh'] }],
      sweptAt: null,
    })
    const [entry] = await db.audit.list({ target: host.id, actions: ['host.decommissioned_with_leftovers'] })
    expect(entry).toMatchObject({ actor: 'admin', action: 'host.decommissioned_with_leftovers' })
    // The operator's call is recorded once besides (the middleware's entry), not instead.
    const calls = await db.audit.list({ target: host.id, actions: ['hosts.decommission'] })
    expect(calls.map((call) => [call.actor, call.outcome])).toEqual([['admin', 'ok']])
    expect((await admin.fleet.list()).map((decky) => decky.name)).not.toContain('left-behind')
    const { rows } = await admin.fleet.lifecycle({ ids: result.lifecycleIds })
    expect(rows.map((row) => [row.operation, row.status])).toEqual([['teardown', 'failed']])
    expect(await codeOf(admin.hosts.decommission({ id: host.id }))).toBe('CONFLICT')
    await until(async () => (await db.settings.get(positionKey)) === undefined)
    // Heartbeats go on; none brings it back.
    await new Promise((resolve) => setTimeout(resolve, 4 * HEARTBEAT_MS))
    expect(await statusOf(host.id)).toBe('decommissioned')
  })

  it('a decommission that loses its host stays put until asked again, then retires it as it is', async () => {
    const { host } = await enrollSilent('ghost-3', [{ name: 'caught', ip: '10.77.0.12' }])
    // Decommissioned while still counted as answering: its teardown is queued...
    const first = await admin.hosts.decommission({ id: host.id })
    expect(first.message).toBe('decommissioning ghost-3: 1 deckies to tear down')
    // ...and fails once the host has missed its heartbeats; the host stays decommissioning.
    await until(
      async () => (await admin.fleet.lifecycle({ ids: first.lifecycleIds })).rows[0]?.status === 'failed',
    )
    const [teardown] = (await admin.fleet.lifecycle({ ids: first.lifecycleIds })).rows
    expect(teardown?.error).toContain('it stays decommissioning and is cleaned up when it answers')
    await new Promise((resolve) => setTimeout(resolve, 4 * HEARTBEAT_MS))
    expect(await statusOf(host.id)).toBe('decommissioning')
    // Nothing drives it while it is silent (no runtime, so no sweep that could only fail and retire it).
    // (It may have been driven once, while it still counted as answering; never again once silent.)
    expect((api.output().match(/driving ghost-3 /g) ?? []).length).toBeLessThanOrEqual(1)
    expect(api.output()).not.toContain('ghost-3 not clean yet')
    // Asked again while it stays silent: retired as it is.
    const again = await admin.hosts.decommission({ id: host.id })
    // Its teardown was cut short, so the decky came back as pending_removal: it is what was left there.
    expect(again.message).toContain('ghost-3 decommissioned without answering: 1 deckies removed')
    expect(await statusOf(host.id)).toBe('decommissioned')
    expect((await admin.hosts.get({ id: host.id })).leftovers?.deckies.map((d) => d.name)).toEqual(['caught'])
  })

  it('the built-in local host cannot be decommissioned', async () => {
    expect(await codeOf(admin.hosts.decommission({ id: 'local' }))).toBe('BAD_REQUEST')
  })
})

describe('enrolled hosts without DECNET_SECRET_KEY', () => {
  const api = inProcessApiOfSuite({ env: { DECNET_DISABLE_WORKERS: 'collector,mutator' } })
  const admin = api.admin
  let db: DecnetDatabase
  beforeAll(() => {
    db = api.services.db
  })

  it('are never placed on, their deckies are not mutated, and decommissioning retires them as they are', async () => {
    // Enrolled while a key was set; the API now runs without one, so nothing can open their TLS material.
    const keylessHost = {
      name: 'keyless',
      dockerUrl: 'tcp://10.66.0.5:2376',
      tls: { ca: 'enc:v1:x', cert: 'enc:v1:y', key: 'enc:v1:z' },
      network: { driver: 'bridge' as const, subnet: '10.66.0.0/24', gateway: '10.66.0.1' },
    }
    const host = await db.hosts.create(keylessHost)
    await db.hosts.setStatus(host.id, 'active', new Date())
    await db.fleet.commitDeployPlan({
      create: [
        {
          name: 'out-of-reach',
          hostId: host.id,
          ip: '10.66.0.9',
          mac: '02:00:00:00:00:09',
          hostname: 'out-of-reach',
          distro: 'debian',
          services: ['ssh'],
          serviceConfig: {},
          osFamily: 'linux',
        },
      ],
    })
    const named = admin.fleet.deploy({ ini: '[x]\nservices = ssh\nhost = keyless\n' })
    await expect(named).rejects.toThrow('(DECNET_SECRET_KEY is not set)')
    expect(await codeOf(named)).toBe('NOT_FOUND')
    const automatic = await admin.fleet.deploy({ ini: '[y]\nservices = ssh\n' })
    expect(automatic.mode).toBe('unihost')
    expect((await admin.fleet.get({ name: 'y' })).hostName).toBe('local')
    expect(await codeOf(admin.fleet.mutate({ name: 'out-of-reach' }))).toBe('PRECONDITION_FAILED')
    const retired = await admin.hosts.decommission({ id: host.id })
    expect(retired.message).toContain('keyless decommissioned without answering: 1 deckies removed')
    expect((await admin.hosts.get({ id: host.id })).status).toBe('decommissioned')
    // At start, the API says which enrolled hosts it cannot drive.
    const waiting = await db.hosts.create({ ...keylessHost, name: 'keyless-2' })
    await db.hosts.setStatus(waiting.id, 'active', new Date())
    await api.restart()
    expect(api.output()).toContain('1 enrolled host(s) not driven: set DECNET_SECRET_KEY')
    const again = await login(api, 'admin', NEW_ADMIN_PASSWORD)
    expect((await again.client.hosts.get({ id: waiting.id })).status).toBe('active')
  })
})
