import net from 'node:net'
import type { ApiClient } from '@decnet/api/client'
import { createApiClient } from '@decnet/api/client'
import { DECOY_IMAGE_TAG } from '../../../packages/decoys/src/image-tag.ts'
import { signInAdmin } from '../../fixtures/auth.ts'
import { decnet } from '../../fixtures/cli.ts'
import { docker } from '../../fixtures/docker.ts'
import { SecondDaemon } from '../../fixtures/second-daemon.ts'
import { expect, type RunningStack, startStack, test } from '../../fixtures/stack.ts'
import { until } from '../../fixtures/wait.ts'

/** Waits (up to 2 min) until `container` exists again under an id other than `removedId`. */
const untilRecreated = (what: string, container: string, removedId: string) =>
  until(
    what,
    async () => {
      try {
        return containerId(container) !== removedId ? true : undefined
      } catch {
        return undefined // not there yet
      }
    },
    120_000,
  )

// Self-healing on real Docker: things are broken behind DECNET's back with the docker CLI (or by
// stopping a private daemon), and nobody calls any API to fix them. A short reconcile interval and
// back-off keep the waits short; the bounds below are generous for a loaded machine.
const FAST_RECONCILE = { DECNET_RECONCILE_MS: '2000', DECNET_REPAIR_BACKOFF_MS: '2000' }

type Row = { status: string }

/** Whether a TCP port of a decky accepts a connection from this machine. */
function answers(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: ip, port, timeout: 3000 })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(false))
  })
}

async function deployAndWait(client: ApiClient, ini: string): Promise<void> {
  const deployed = await client.fleet.deploy.mutate({ ini })
  const rows = await until(
    'deploy rows terminal',
    async () => {
      const { rows } = await client.fleet.lifecycle.query({ ids: deployed.lifecycleIds })
      return rows.every((row: Row) => row.status === 'succeeded' || row.status === 'failed')
        ? rows
        : undefined
    },
    180_000,
  )
  expect(rows.map((row) => row.status)).toEqual(deployed.lifecycleIds.map(() => 'succeeded'))
}

/** Every named decky recorded running and answering on its ports (ssh 22, http 80). */
async function untilRunningAndAnswering(client: ApiClient, names: string[], timeoutMs: number) {
  return until(
    `${names.join(', ')} running and answering`,
    async () => {
      const fleet = (await client.fleet.list.query()).filter((decky) => names.includes(decky.name))
      if (fleet.length !== names.length || fleet.some((decky) => decky.state !== 'running')) return undefined
      for (const decky of fleet) {
        if (!(await answers(decky.ip, 22)) || !(await answers(decky.ip, 80))) return undefined
      }
      return fleet
    },
    timeoutMs,
  )
}

function containerId(name: string, host?: string): string {
  return docker(['inspect', '--format', '{{.Id}}', name], host)
}

test.describe('automatic repair on the machine`s daemon', () => {
  let running: RunningStack | undefined
  test.afterAll(async () => {
    await running?.stop()
  })

  test('a removed service container, then a base disconnected from its network: both repaired without operator action', async () => {
    test.setTimeout(420_000)
    running = await startStack(FAST_RECONCILE)
    const { stack } = running
    const { client } = await signInAdmin(stack)
    await deployAndWait(client, '[heal]\nservices = ssh, http\n')
    await untilRunningAndAnswering(client, ['heal'], 60_000)

    // (1) The decoy container (ssh and http in one process) removed behind DECNET's back.
    const decoy = `${stack.instance}-heal.decoy`
    const removedId = containerId(decoy)
    docker(['rm', '-f', '-v', decoy])
    await untilRecreated('the decoy container recreated', decoy, removedId)
    await untilRunningAndAnswering(client, ['heal'], 120_000)

    // (2) The base container disconnected from the decky LAN: nothing answers at its address.
    const base = `${stack.instance}-heal`
    const oldBase = containerId(base)
    docker(['network', 'disconnect', '-f', `${stack.instance}_lan`, base])
    const [decky] = (await client.fleet.list.query()).filter((each) => each.name === 'heal')
    await untilRecreated('the base recreated', base, oldBase)
    await untilRunningAndAnswering(client, ['heal'], 120_000)
    const address = docker([
      'inspect',
      '--format',
      `{{with index .NetworkSettings.Networks "${stack.instance}_lan"}}{{.IPAddress}}{{end}}`,
      base,
    ])
    expect(address).toBe(decky?.ip)
    const health = await until(
      'health healthy again',
      async () => {
        const now = await createApiClient(stack.apiUrl).health.get.query()
        return now.status === 'healthy' ? now : undefined
      },
      60_000,
    )
    expect(health.components.deckies.status).toBe('up')
  })
})

test('a restart of the Docker daemon: unknown while it is down, then every decky running and answering without operator action', async () => {
  test.setTimeout(480_000)
  const daemon = new SecondDaemon(`decnet-e2e-repair-${process.pid}`)
  await daemon.start()
  let running: RunningStack | undefined
  try {
    daemon.loadImage(DECOY_IMAGE_TAG)
    running = await startStack({ ...FAST_RECONCILE, DOCKER_HOST: daemon.host })
    const { stack } = running
    const { client } = await signInAdmin(stack)
    const anonymous = createApiClient(stack.apiUrl)
    await deployAndWait(client, '[boot]\namount = 2\nservices = ssh, http\n')
    const names = ['boot-01', 'boot-02']
    await untilRunningAndAnswering(client, names, 60_000)
    expect((await anonymous.health.get.query()).status).toBe('healthy')

    await daemon.stop()
    // (5) Nobody can ask the engine: the fleet says so instead of "running".
    const unknown = await until(
      'deckies unknown',
      async () => {
        const fleet = (await client.fleet.list.query()).filter((decky) => names.includes(decky.name))
        return fleet.every((decky) => decky.state === 'unknown') ? fleet : undefined
      },
      60_000,
    )
    expect(unknown.map((decky) => decky.lastError)).toEqual(
      names.map(() => expect.stringMatching(/^engine cannot be asked: /)),
    )
    // (4) Health is not healthy while the engine is down, and says which parts.
    const down = await anonymous.health.get.query()
    expect(down.status).toBe('unhealthy')
    expect(down.components.engine.status).toBe('down')
    expect(down.components.deckies).toEqual({ status: 'degraded', detail: 'some deckies are not running' })

    // (3) The daemon comes back: no API call is made, every decky ends running and answering.
    await daemon.start()
    await untilRunningAndAnswering(client, names, 240_000)
    for (const container of docker(['ps', '-a', '--format', '{{.Names}} {{.State}}'], daemon.host).split(
      '\n',
    ))
      expect(container).toMatch(/ running$/)
    const healed = await until(
      'health healthy again',
      async () => {
        const now = await anonymous.health.get.query()
        return now.status === 'healthy' ? now : undefined
      },
      90_000,
    )
    expect(healed.components.engine.status).toBe('up')
  } finally {
    await running?.stop()
    await daemon.destroy()
  }
})

test('decnet repair <name> queues a repair, follows it to succeeded, and the removed container is back', async ({
  stack,
}) => {
  test.setTimeout(300_000)
  const { client, token } = await signInAdmin(stack)
  await deployAndWait(client, '[cli-fix]\nservices = ssh, http\n')
  const decoy = `${stack.instance}-cli-fix.decoy`
  docker(['rm', '-f', '-v', decoy])
  const env = { url: stack.apiUrl, token }
  const result = await decnet(['repair', 'cli-fix'], env)
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
  expect(result.stdout).toContain('cli-fix repair queued')
  expect(result.stdout).toMatch(/cli-fix\s+repair\s+succeeded/)
  expect(docker(['inspect', '-f', '{{.State.Status}}', decoy])).toBe('running')
  await untilRunningAndAnswering(client, ['cli-fix'], 60_000)
  const missing = await decnet(['repair', 'no-such-decky'], env)
  expect(missing.code).not.toBe(0)
  expect(missing.stderr).toContain('no-such-decky')
})
