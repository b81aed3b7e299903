import type { ApiClient } from '@decnet/api/client'
import { createApiClient } from '@decnet/api/client'
import { DECOY_IMAGE_TAG } from '../../../packages/decoys/src/image-tag.ts'
import { signInAdmin } from '../../fixtures/auth.ts'
import { instanceContainers, removeInstance } from '../../fixtures/docker.ts'
import { SecondDaemon } from '../../fixtures/second-daemon.ts'
import { expect, startStack, test } from '../../fixtures/stack.ts'

type Row = { id: string; deckyName: string; status: string; error?: string | null }

async function untilTerminal(client: ApiClient, ids: string[], timeoutMs: number): Promise<Row[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { rows } = await client.fleet.lifecycle.query({ ids })
    if (rows.every((row) => row.status === 'succeeded' || row.status === 'failed')) return rows
    if (Date.now() > deadline)
      throw new Error(`rows not terminal after ${timeoutMs} ms: ${JSON.stringify(rows)}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** What Docker runs for an instance, by decky: the base's IP and its service slugs. */
function dockerFleet(instance: string, host?: string): Map<string, { ip: string; containers: number }> {
  const fleet = new Map<string, { ip: string; containers: number }>()
  for (const container of instanceContainers(instance, host)) {
    const entry = fleet.get(container.decky) ?? { ip: '', containers: 0 }
    entry.containers++
    if (container.ip) entry.ip = container.ip
    fleet.set(container.decky, entry)
  }
  return fleet
}

test('50 concurrent additive deploys with overlapping names and IPs: one winner per name and IP, every loser CONFLICT', async ({
  stack,
}) => {
  test.setTimeout(240_000)
  const { client } = await signInAdmin(stack)
  const base = stack.subnet.replace(/\.0\/24$/, '')
  const attempts = Array.from({ length: 50 }, (_, i) => ({
    name: `race-${i % 10}`,
    ip: `${base}.${50 + (i % 7)}`,
  }))
  const results = await Promise.all(
    attempts.map((attempt) =>
      client.fleet.deploy.mutate({ ini: `[${attempt.name}]\nservices = ssh\nip = ${attempt.ip}\n` }).then(
        (result) => ({ code: 'OK', ids: result.lifecycleIds }),
        (error: { data?: { code?: string } }) => ({
          code: error.data?.code ?? 'UNKNOWN',
          ids: [] as string[],
        }),
      ),
    ),
  )
  expect(results.every((result) => result.code === 'OK' || result.code === 'CONFLICT')).toBe(true)
  // The worker's stack is shared with other tests: look only at this test's deckies.
  const fleet = (await client.fleet.list.query()).filter((decky) => decky.name.startsWith('race-'))
  expect(new Set(fleet.map((decky) => decky.name)).size).toBe(fleet.length)
  expect(new Set(fleet.map((decky) => decky.ip)).size).toBe(fleet.length)
  // Seven distinct IPs bound the winners; each winner is one of the attempted name/IP pairs.
  expect(fleet.length).toBe(results.filter((result) => result.code === 'OK').length)
  expect(fleet.length).toBe(7)
  await untilTerminal(
    client,
    results.flatMap((result) => result.ids),
    180_000,
  )
  const inDocker = new Map([...dockerFleet(stack.instance)].filter(([name]) => name.startsWith('race-')))
  expect([...inDocker.keys()].sort()).toEqual(fleet.map((decky) => decky.name).sort())
  const dockerIps = [...inDocker.values()].map((entry) => entry.ip)
  expect(new Set(dockerIps).size).toBe(dockerIps.length)
  for (const decky of fleet) expect(inDocker.get(decky.name)?.ip).toBe(decky.ip)
})

test('the API killed with SIGKILL mid-deploy and restarted: every row ends terminal and Docker matches the fleet', async () => {
  test.setTimeout(240_000)
  const env = { DECNET_RUNNER_LEASE_MS: '3000', DECNET_RUNNER_CONCURRENCY: '2' }
  const first = await startStack(env)
  try {
    const { client } = await signInAdmin(first.stack)
    const deployed = await client.fleet.deploy.mutate({ ini: '[crash]\namount = 5\nservices = ssh, http\n' })
    expect(deployed.lifecycleIds).toHaveLength(5)
    // Kill the API (not the launcher) while operations are in flight.
    for (let attempt = 0; attempt < 100; attempt++) {
      const { rows } = await client.fleet.lifecycle.query({ ids: deployed.lifecycleIds })
      if (rows.some((row) => row.status === 'running')) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const apiPid = first.pids().api
    expect(apiPid).toBeDefined()
    process.kill(apiPid!, 'SIGKILL')
    await first.stop({ keep: true })

    const second = await startStack(env, first.identity)
    try {
      const again = await signInAdmin(second.stack)
      const rows = await untilTerminal(again.client, deployed.lifecycleIds, 120_000)
      expect(rows).toHaveLength(5)
      const fleet = await again.client.fleet.list.query()
      const inDocker = dockerFleet(second.stack.instance)
      for (const decky of fleet) {
        const row = rows.find((r) => r.deckyName === decky.name)!
        if (row.status === 'succeeded') {
          expect(decky.state).toBe('running')
          // base + decoy (ssh and http)
          expect(inDocker.get(decky.name)).toEqual({ ip: decky.ip, containers: 2 })
        } else {
          expect(row.error).toBeTruthy()
        }
      }
      expect(rows.filter((row) => row.status === 'succeeded').length).toBeGreaterThan(0)
      expect([...inDocker.keys()].every((name) => fleet.some((decky) => decky.name === name))).toBe(true)
    } finally {
      await second.stop()
    }
  } finally {
    removeInstance(first.identity.instance)
  }
})

test('the Docker daemon stopped mid-deploy: rows fail with a reason, the API stays up and health shows the engine down', async () => {
  test.setTimeout(240_000)
  const daemon = new SecondDaemon(`decnet-e2e-dockerd-${process.pid}`)
  await daemon.start()
  try {
    daemon.loadImage(DECOY_IMAGE_TAG)
    let running: Awaited<ReturnType<typeof startStack>> | undefined
    try {
      running = await startStack({ DOCKER_HOST: daemon.host })
      const { client, token } = await signInAdmin(running.stack)
      const deployed = await client.fleet.deploy.mutate({
        ini: '[doomed]\namount = 3\nservices = ssh, http\n',
      })
      await daemon.stop()
      const rows = await untilTerminal(client, deployed.lifecycleIds, 120_000)
      const failed = rows.filter((row) => row.status === 'failed')
      expect(failed.length).toBeGreaterThan(0)
      for (const row of failed) expect(row.error).toMatch(/docker|daemon|connect|ENOENT|socket/i)

      const health = await createApiClient(running.stack.apiUrl).health.get.query()
      expect(health.status).toBe('unhealthy')
      expect(health.components.engine.status).toBe('down')
      // The API keeps answering everything else.
      expect((await createApiClient(running.stack.apiUrl, token).fleet.list.query()).length).toBe(3)
      const home = await fetch(running.stack.webUrl)
      expect(home.status).toBe(200)

      // Once the daemon is back, the same deckies deploy.
      await daemon.start()
      const retried = await client.fleet.deploy.mutate({
        ini: '[doomed-01]\nservices = ssh, http\n[doomed-02]\nservices = ssh, http\n[doomed-03]\nservices = ssh, http\n',
        replaceFleet: true,
      })
      const after = await untilTerminal(client, [...retried.lifecycleIds, ...retried.teardownIds], 120_000)
      expect(after.every((row) => row.status === 'succeeded')).toBe(true)
    } finally {
      await running?.stop()
    }
  } finally {
    await daemon.destroy()
  }
})
