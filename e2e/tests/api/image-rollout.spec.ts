import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { DECOY_IMAGE_TAG } from '../../../packages/decoys/src/image-tag.ts'
import { ADMIN_PASSWORD, signInAdmin } from '../../fixtures/auth.ts'
import { decnet } from '../../fixtures/cli.ts'
import { docker, instanceContainers } from '../../fixtures/docker.ts'
import { makeCerts } from '../../fixtures/host-certs.ts'
import { freeSubnet } from '../../fixtures/network.ts'
import { startTlsDaemon } from '../../fixtures/second-daemon.ts'
import { expect, startStack, test } from '../../fixtures/stack.ts'
import { uiLogin, waitTerminal } from '../../fixtures/ui-helpers.ts'

type Client = Awaited<ReturnType<typeof signInAdmin>>['client']
type ImageRollout = Awaited<ReturnType<Client['images']['get']['query']>>

/** Polls images.get until the rollout ends; every state seen, in order. */
async function followRollout(client: Client, id: string, timeoutMs = 300_000): Promise<ImageRollout[]> {
  const seen: ImageRollout[] = []
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const rollout = await client.images.get.query({ id })
    seen.push(rollout)
    if (rollout.status === 'succeeded' || rollout.status === 'failed') return seen
    if (Date.now() > deadline)
      throw new Error(`rollout ${id} still ${rollout.status}: ${JSON.stringify(rollout)}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** The image id each of the instance's containers was created from, on one daemon. */
function containerImages(instance: string, host?: string): Set<string> {
  const names = instanceContainers(instance, host).map((container) => container.name)
  if (names.length === 0) return new Set()
  return new Set(docker(['inspect', '--format', '{{.Image}}', ...names], host).split('\n'))
}

test('the decoy image reaches a host enrolled from the console with progress, rolls out decky by decky to both hosts, and rolls back', async ({
  page,
}) => {
  test.setTimeout(900_000)
  // A private tag of the built image: this test moves it, nobody else's stack uses it.
  const image = `decnet-e2e-rollout/decoy:${process.pid}`
  docker(['tag', DECOY_IMAGE_TAG, image])
  const firstDigest = docker(['image', 'inspect', '--format', '{{.Id}}', image])
  const certs = makeCerts('127.0.0.1')
  const { daemon, port } = await startTlsDaemon(`decnet-e2e-img-${process.pid}`, certs)
  let running: Awaited<ReturnType<typeof startStack>> | undefined
  let secondDigest: string | undefined
  try {
    // No image is loaded on the second daemon: the push is what brings it.
    expect(() => docker(['image', 'inspect', image], daemon.host)).toThrow()
    running = await startStack({
      DECNET_SECRET_KEY: 'e2e-secret-key-for-host-tls-material-0123',
      DECNET_ALLOW_LOCAL_ENGINE_URLS: '1',
      // Fast enough for a short test, slow enough that a daemon busy recreating containers on a loaded
      // machine answers `docker info` in time (at 1 s, 3 heartbeats of 800 ms were missed once in CI and
      // the host was taken for gone mid-rollout).
      DECNET_HOST_HEARTBEAT_MS: '3000',
      DECNET_DECOY_IMAGE: image,
    })
    const { stack } = running
    const { client, token } = await signInAdmin(stack)
    const cli = { url: stack.apiUrl, token }

    // ── The local host's image is recorded on the first pass of the images worker.
    await expect
      .poll(
        async () => (await client.images.status.query({})).hosts.map((host) => [host.hostId, host.digest]),
        {
          timeout: 30_000,
        },
      )
      .toEqual([['local', firstDigest]])

    // ── Enrolment from the console (pasted PEMs, bridge network): the second daemon has no image; a
    // push brings it over mutual TLS, with progress.
    const read = (file: string) => readFileSync(file, 'utf8')
    const network = freeSubnet('172.29', process.pid)
    await uiLogin(page, stack, 'admin', ADMIN_PASSWORD)
    await page.goto(`${stack.webUrl}/hosts`)
    const form = page.getByTestId('enroll-form')
    await form.getByLabel('Name').fill('second')
    await form.getByLabel('Engine URL').fill(`tcp://127.0.0.1:${port}`)
    await form.getByLabel('CA certificate (ca.pem)', { exact: true }).fill(read(certs.ca))
    await form
      .getByLabel('Client certificate (client-cert.pem)', { exact: true })
      .fill(read(certs.clientCert))
    await form.getByLabel('Client key (client-key.pem)', { exact: true }).fill(read(certs.clientKey))
    await form.getByLabel('Network driver').selectOption('bridge')
    await form.getByLabel('Subnet').fill(network.subnet)
    await form.getByLabel('Gateway').fill(network.gateway)
    await form.getByRole('button', { name: 'Test connection and enrol' }).click()
    await expect(page.getByTestId('hosts-message')).toContainText('enrolled second', { timeout: 30_000 })
    await expect(page.getByTestId('host-second')).toHaveAttribute('data-status', 'active')
    const enrolled = (await client.hosts.list.query()).find((host) => host.name === 'second')
    if (!enrolled) throw new Error('second is not listed')
    // The host's page shows its image once pushed.
    await page.getByTestId('host-second').getByTestId('host-link').click()
    await expect(page.getByTestId('host-name')).toHaveText('second')
    let push: ImageRollout | undefined
    await expect
      .poll(
        async () => {
          push = (await client.images.status.query({ hostId: enrolled.id })).rollouts.find(
            (rollout) => rollout.kind === 'push',
          )
          return push?.id
        },
        { timeout: 30_000 },
      )
      .toBeTruthy()
    const pushStates = await followRollout(client, push?.id ?? '')
    const pushed = pushStates.at(-1)
    expect(pushed).toMatchObject({ status: 'succeeded', digest: firstDigest, error: null })
    const pushedHost = pushed?.hosts[0]
    expect(pushedHost).toMatchObject({ hostId: enrolled.id, phase: 'done' })
    // The whole archive went over the wire, about the image's size, and bytes were seen moving.
    expect(pushedHost?.imageBytes).toBeGreaterThan(10 * 1024 * 1024)
    expect(pushedHost?.bytesSent).toBeGreaterThan((pushedHost?.imageBytes ?? 0) / 2)
    expect(docker(['image', 'inspect', '--format', '{{.Id}}', image], daemon.host)).toBe(firstDigest)
    await expect(page.getByTestId('image-host-second').getByTestId('image-digest')).toHaveText(
      firstDigest.slice(7, 19),
    )

    // ── Deckies deploy there (and locally) on that image.
    const ini = ['a', 'b']
      .flatMap((n) => [
        `[img-local-${n}]\nservices = ssh\nhost = local\n`,
        `[img-second-${n}]\nservices = ssh\nhost = second\n`,
      ])
      .join('\n')
    const deployed = await client.fleet.deploy.mutate({ ini })
    const deployedRows = await waitTerminal(client, deployed.lifecycleIds, 240_000)
    expect(deployedRows.map((row) => [row.deckyName, row.status, row.error])).toEqual(
      deployedRows.map((row) => [row.deckyName, 'succeeded', null]),
    )
    expect(containerImages(stack.instance, daemon.host)).toEqual(new Set([firstDigest]))
    expect(containerImages(stack.instance)).toEqual(new Set([firstDigest]))

    // ── A rebuilt image (a new digest) is found on this machine and rolled out, one decky at a time.
    execFileSync(
      'docker',
      ['build', '--quiet', '--label', `decnet.e2e.rollout=${process.pid}`, '-t', image, '-'],
      {
        input: `FROM ${image}\n`,
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    )
    secondDigest = docker(['image', 'inspect', '--format', '{{.Id}}', image])
    expect(secondDigest).not.toBe(firstDigest)
    await expect
      .poll(async () => (await client.images.status.query({})).availableDigest, { timeout: 30_000 })
      .toBe(secondDigest)
    const started = await client.images.rollout.mutate({ batchSize: 1, pauseSeconds: 0 })
    expect(started).toMatchObject({ kind: 'rollout', digest: secondDigest, previousDigest: firstDigest })
    // A second rollout while one is open is refused.
    await expect(client.images.rollout.mutate({ batchSize: 1, pauseSeconds: 0 })).rejects.toMatchObject({
      data: { code: 'CONFLICT' },
    })
    const rolled = (await followRollout(client, started.id)).at(-1)
    expect(rolled).toMatchObject({ status: 'succeeded', error: null })
    expect(
      rolled?.hosts.map((host) => [host.hostId, host.phase, host.deckiesDone, host.deckiesTotal]),
    ).toEqual([
      ['local', 'done', 2, 2],
      [enrolled.id, 'done', 2, 2],
    ])
    // The enrolled host got the new image over the wire; its digest checked on arrival.
    expect(rolled?.hosts[1]?.bytesSent).toBeGreaterThan(0)
    await expectOneDeckyAtATime(client, rolled?.lifecycleIds ?? [], 4)
    expect(containerImages(stack.instance, daemon.host)).toEqual(new Set([secondDigest]))
    expect(containerImages(stack.instance)).toEqual(new Set([secondDigest]))
    // Personas unchanged: same addresses and host names as before the rollout.
    const fleetAfter = await client.fleet.list.query()
    expect(fleetAfter.map((decky) => decky.state)).toEqual(fleetAfter.map(() => 'running'))

    // The CLI shows what each host runs.
    const listed = await decnet(['images'], cli)
    expect(listed.code).toBe(0)
    expect(listed.stdout).toMatch(
      new RegExp(`^second\\s+${secondDigest.slice(7, 19)}\\s+${firstDigest.slice(7, 19)}`, 'm'),
    )

    // ── Rollback (through the CLI, following progress): both hosts back on the previous digest.
    const rollback = await decnet(['images', 'rollback'], cli)
    expect(rollback.stderr).toBe('')
    expect(rollback.code).toBe(0)
    expect(rollback.stdout).toMatch(new RegExp(`^${enrolled.id}\\s+done\\s+2/2 deckies`, 'm'))
    expect(rollback.stdout).toContain(`succeeded: every host runs ${firstDigest.slice(7, 19)}`)
    expect(docker(['image', 'inspect', '--format', '{{.Id}}', image], daemon.host)).toBe(firstDigest)
    expect(docker(['image', 'inspect', '--format', '{{.Id}}', image])).toBe(firstDigest)
    expect(containerImages(stack.instance, daemon.host)).toEqual(new Set([firstDigest]))
    expect(containerImages(stack.instance)).toEqual(new Set([firstDigest]))
    const status = await client.images.status.query({})
    expect(status.hosts.map((host) => [host.hostName, host.digest, host.previousDigest])).toEqual([
      ['local', firstDigest, secondDigest],
      ['second', firstDigest, secondDigest],
    ])
  } finally {
    await running?.stop()
    await daemon.destroy()
    for (const tag of [image, `decnet-e2e-rollout/decoy:${firstDigest.replace(':', '-')}`]) {
      try {
        docker(['rmi', tag])
      } catch {
        // not there
      }
    }
    if (secondDigest) {
      try {
        docker(['rmi', `decnet-e2e-rollout/decoy:${secondDigest.replace(':', '-')}`])
      } catch {
        // not there
      }
    }
  }
})

/**
 * Each upgrade row was queued only after the previous one finished (its `startedAt` is when it was
 * committed), so at most one decky was being recreated at any moment.
 */
async function expectOneDeckyAtATime(client: Client, ids: string[], count: number): Promise<void> {
  expect(ids).toHaveLength(count)
  const { rows } = await client.fleet.lifecycle.query({ ids })
  expect(rows.map((row) => [row.operation, row.status])).toEqual(rows.map(() => ['upgrade', 'succeeded']))
  for (let index = 1; index < rows.length; index++) {
    const previous = rows[index - 1]
    const row = rows[index]
    expect(Date.parse(row?.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(previous?.completedAt ?? ''))
  }
}
