import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { createApiClient } from '@decnet/api/client'
import { DECOY_IMAGE_TAG } from '../../../packages/decoys/src/image-tag.ts'
import { ADMIN_PASSWORD, signInAdmin } from '../../fixtures/auth.ts'
import { decnet } from '../../fixtures/cli.ts'
import { instanceContainers } from '../../fixtures/docker.ts'
import { makeCerts } from '../../fixtures/host-certs.ts'
import { freeSubnet } from '../../fixtures/network.ts'
import { startTlsDaemon } from '../../fixtures/second-daemon.ts'
import { expect, startStack, test } from '../../fixtures/stack.ts'
import { uiLogin, waitTerminal } from '../../fixtures/ui-helpers.ts'

const HEARTBEAT_MS = 1_000

/** The first line a TCP service sends (the SSH version banner). */
function banner(ip: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: ip, port, timeout: 5_000 })
    socket.once('data', (chunk) => {
      socket.destroy()
      resolve(chunk.toString('latin1').split('\r\n')[0] ?? '')
    })
    socket.once('timeout', () => socket.destroy(new Error(`${ip}:${port} sent nothing`)))
    socket.once('error', reject)
  })
}

/** Decky name → number of its containers on one daemon. */
function containersPerDecky(instance: string, dockerHost?: string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const { decky } of instanceContainers(instance, dockerHost))
    counts.set(decky, (counts.get(decky) ?? 0) + 1)
  return counts
}

test('a fleet spread over the local engine and a second engine over mutual TLS: placement, reachability, logs, failures, teardown', async ({
  page,
}) => {
  test.setTimeout(600_000)
  const certs = makeCerts('127.0.0.1')
  const foreign = makeCerts('127.0.0.1')
  const { daemon, port } = await startTlsDaemon(`decnet-e2e-tls-${process.pid}`, certs)
  daemon.loadImage(DECOY_IMAGE_TAG)
  let running: Awaited<ReturnType<typeof startStack>> | undefined
  try {
    running = await startStack({
      DECNET_SECRET_KEY: 'e2e-secret-key-for-host-tls-material-0123',
      // The second engine listens on this machine's loopback, which the address policy refuses by default.
      DECNET_ALLOW_LOCAL_ENGINE_URLS: '1',
      DECNET_HOST_HEARTBEAT_MS: String(HEARTBEAT_MS),
      DECNET_RECONCILE_MS: '1000',
      DECNET_ORPHAN_SWEEP_MS: '3000',
    })
    const { stack } = running
    const { client, token } = await signInAdmin(stack)
    const read = (file: string) => readFileSync(file, 'utf8')
    const network = { driver: 'bridge' as const, ...freeSubnet('172.30', process.pid) }
    const secondPrefix = network.subnet.replace(/0\/24$/, '')

    /** An enrollment through the API that is expected to be refused: its error. */
    const refusedEnrollment = (name: string, dockerUrl: string, credentials: { cert: string; key: string }) =>
      client.hosts.enroll
        .mutate({
          name,
          dockerUrl,
          tls: { ca: read(certs.ca), cert: read(credentials.cert), key: read(credentials.key) },
          network,
        })
        .then(
          () => new Error(`${name} was enrolled`),
          (error: Error & { data?: { code?: string } }) => error,
        )

    // ── Enrollment: a client certificate from another CA is refused; the right one is accepted.
    const refused = await refusedEnrollment('rogue', `tcp://127.0.0.1:${port}`, {
      cert: foreign.clientCert,
      key: foreign.clientKey,
    })
    expect(refused).toMatchObject({ data: { code: 'BAD_REQUEST' } })
    expect(refused.message).toBe(
      `could not reach a Docker engine with these certificates at tcp://127.0.0.1:${port}`,
    )

    // Enrolled the way an operator does it: the CLI with the files host-certs.sh wrote.
    const cli = { url: stack.apiUrl, token }
    const enrolling = await decnet(
      [
        '--json',
        'hosts',
        'enroll',
        'second',
        `--url=tcp://127.0.0.1:${port}`,
        `--ca=${certs.ca}`,
        `--cert=${certs.clientCert}`,
        `--key=${certs.clientKey}`,
        '--driver=bridge',
        `--subnet=${network.subnet}`,
        `--gateway=${network.gateway}`,
      ],
      cli,
    )
    expect(enrolling.stderr).toBe('')
    expect(enrolling.code).toBe(0)
    const enrolled = JSON.parse(enrolling.stdout) as Awaited<ReturnType<typeof client.hosts.enroll.mutate>>
    expect(enrolled).toMatchObject({ name: 'second', status: 'active', builtIn: false, deckyCount: 0 })
    expect(enrolled.engine.version).toMatch(/^\d+\.\d+/)
    expect(enrolled.engine.cpus).toBeGreaterThan(0)
    expect(enrolled.engine.memoryMiB).toBeGreaterThan(100)
    expect(enrolled.capacity).toBeGreaterThan(0)

    // Another address string for the same engine: recognised by the engine's identity.
    const twice = await refusedEnrollment('again', `https://127.0.0.1:${port}`, {
      cert: certs.clientCert,
      key: certs.clientKey,
    })
    expect(twice).toMatchObject({ data: { code: 'CONFLICT' } })
    expect(twice.message).toContain('already enrolled as second')
    const listed = await decnet(['hosts'], cli)
    expect(listed.stdout).toMatch(/^local\s+active\s+0 deckies/m)
    expect(listed.stdout).toMatch(
      new RegExp(`^second\\s+active\\s+0 deckies\\s+${network.subnet.replaceAll('.', '\\.')}`, 'm'),
    )
    const hosts = await createApiClient(stack.apiUrl, token).hosts.list.query()
    expect(hosts.map((host) => [host.name, host.status])).toEqual([
      ['local', 'active'],
      ['second', 'active'],
    ])
    expect(JSON.stringify(hosts)).not.toContain('BEGIN')
    // Sealed at rest: neither the database nor its write-ahead log holds any PEM.
    const stored = Buffer.concat(
      ['decnet.db', 'decnet.db-wal'].map((file) => readFileSync(path.join(stack.dataDir, file))),
    )
    expect(stored.includes('PRIVATE KEY')).toBe(false)
    expect(stored.includes('BEGIN CERTIFICATE')).toBe(false)
    expect(stored.includes('enc:v1:')).toBe(true)

    // ── Six deckies without a host: spread over both hosts, each IP from its host's network.
    const ini = [1, 2, 3, 4, 5, 6].map((n) => `[spread-0${n}]\nservices = ssh, http\n`).join('\n')
    const deployed = await client.fleet.deploy.mutate({ ini })
    expect(deployed.mode).toBe('swarm')
    const rows = await waitTerminal(client, deployed.lifecycleIds, 180_000)
    expect(rows.map((row) => [row.deckyName, row.status, row.error])).toEqual(
      rows.map((row) => [row.deckyName, 'succeeded', null]),
    )
    const fleet = await client.fleet.list.query()
    const onSecond = fleet.filter((decky) => decky.hostId === enrolled.id)
    const onLocal = fleet.filter((decky) => decky.hostId === 'local')
    // Both report this machine's memory, so equal capacity: an even split. (Otherwise still both used.)
    const localCapacity = hosts.find((host) => host.name === 'local')?.capacity
    if (localCapacity === enrolled.capacity) {
      expect(onSecond).toHaveLength(3)
      expect(onLocal).toHaveLength(3)
    } else {
      expect(Math.min(onSecond.length, onLocal.length)).toBeGreaterThanOrEqual(2)
    }
    for (const decky of onSecond) {
      expect(decky.ip.startsWith(secondPrefix)).toBe(true)
      expect(decky.hostName).toBe('second')
    }
    for (const decky of onLocal) expect(decky.ip.startsWith(stack.subnet.replace(/0\/24$/, ''))).toBe(true)

    const status = await decnet(['status'], cli)
    for (const decky of onSecond)
      expect(status.stdout).toMatch(
        new RegExp(`^${decky.name}\\s+${decky.address.replaceAll('.', '\\.')}\\s+running\\s+second\\s`, 'm'),
      )

    // Containers: each decky's base + its decoy (ssh and http), on its own host's daemon and nowhere else.
    const localContainers = containersPerDecky(stack.instance)
    const secondContainers = containersPerDecky(stack.instance, daemon.host)
    expect([...localContainers.keys()].sort()).toEqual(onLocal.map((d) => d.name).sort())
    expect([...secondContainers.keys()].sort()).toEqual(onSecond.map((d) => d.name).sort())
    for (const count of [...localContainers.values(), ...secondContainers.values()]) expect(count).toBe(2)

    // Reachability and logs: every decky answers SSH and HTTP, and each one's HTTP request is searchable.
    for (const decky of fleet) {
      expect(await banner(decky.ip, 22)).toMatch(/^SSH-2\.0-/)
      const response = await fetch(`http://${decky.ip}/multi-host-${decky.name}`, {
        headers: { 'user-agent': 'multi-host-e2e/1.0' },
      })
      expect(response.status).toBeGreaterThanOrEqual(200)
    }
    for (const decky of fleet) {
      await expect
        .poll(
          async () =>
            (await client.logs.search.query({ q: `decky:${decky.name} service:http` })).rows.some((row) =>
              JSON.stringify(row).includes(`multi-host-${decky.name}`),
            ),
          { timeout: 30_000 },
        )
        .toBe(true)
    }

    // Reconciling per host: a decoy container removed behind DECNET's back on the second daemon is
    // noticed and repaired there (the reconciler's automatic repair); every other decky, on either host,
    // stays running.
    const broken = onSecond[0]?.name ?? ''
    const decoyContainer = instanceContainers(stack.instance, daemon.host).find(
      (container) => container.decky === broken && container.name.endsWith('.decoy'),
    )
    expect(decoyContainer).toBeDefined()
    execFileSync('docker', ['-H', daemon.host, 'rm', '-f', '-v', decoyContainer?.name ?? ''])
    expect(containersPerDecky(stack.instance, daemon.host).get(broken)).toBe(1)
    await expect
      .poll(() => containersPerDecky(stack.instance, daemon.host).get(broken), { timeout: 60_000 })
      .toBe(2)
    await expect
      .poll(async () => (await client.fleet.get.query({ name: broken })).state, { timeout: 60_000 })
      .toBe('running')
    expect(
      (await client.fleet.list.query()).filter((decky) => decky.name !== broken).map((decky) => decky.state),
    ).toEqual(Array(5).fill('running'))

    // ── UI: the hosts page lists both, live; the wizard places deckies on a chosen host.
    await uiLogin(page, stack, 'admin', ADMIN_PASSWORD)
    await page.goto(`${stack.webUrl}/hosts`)
    await expect(page.getByTestId('host-local')).toHaveAttribute('data-status', 'active')
    await expect(page.getByTestId('host-second')).toHaveAttribute('data-status', 'active')
    await expect(page.getByTestId('host-second')).toContainText('3')
    await expect(page.getByTestId('host-second').getByTestId('host-engine')).toContainText(
      `Docker ${enrolled.engine.version} · ${enrolled.engine.cpus} CPUs`,
    )
    await page.screenshot({ path: test.info().outputPath('hosts.png'), fullPage: true })

    await page.goto(`${stack.webUrl}/fleet/deploy`)
    await page.getByLabel('Pick services').check()
    await page.getByTestId('service-ssh').getByRole('checkbox').check()
    await page.getByRole('button', { name: 'Next' }).click()
    await page.getByLabel('Name prefix').fill('pinned')
    await expect(page.getByTestId('placement')).toHaveValue('')
    await page.getByTestId('placement').selectOption('second')
    await page.getByRole('button', { name: 'Next' }).click()
    await page.getByRole('button', { name: 'Next' }).click()
    await expect(page.getByTestId('generated-ini')).toContainText('host = second')
    await expect(page.getByTestId('preview-pinned-01').getByTestId('preview-host')).toHaveText('second')
    await page.screenshot({ path: test.info().outputPath('wizard-host.png'), fullPage: true })
    await page.getByTestId('deploy-button').click()
    await expect(page.getByTestId('deploy-progress').getByTestId('lifecycle-row-pinned-01')).toHaveAttribute(
      'data-status',
      'succeeded',
      { timeout: 90_000 },
    )
    expect(containersPerDecky(stack.instance, daemon.host).get('pinned-01')).toBe(2)

    /** Deckies with containers on the second daemon that the fleet does not hold there. */
    const strayOnSecond = async () => {
      const held = new Set(
        (await client.fleet.list.query())
          .filter((decky) => decky.hostId === enrolled.id)
          .map((decky) => decky.name),
      )
      return [...containersPerDecky(stack.instance, daemon.host).keys()].filter((name) => !held.has(name))
    }
    const inFleet = async (name: string) =>
      (await client.fleet.list.query()).some((decky) => decky.name === name)

    /** Waits (polling every 100 ms) until the second host's status is `status`. */
    const secondBecomes = (status: string) =>
      expect
        .poll(async () => (await client.hosts.get.query({ id: enrolled.id })).status, {
          timeout: 10 * HEARTBEAT_MS,
          intervals: [100],
        })
        .toBe(status)

    // ── The second engine stops answering mid-deploy: only its rows fail, with the reason.
    daemon.freeze()
    const frozenAt = Date.now()
    const late = await client.fleet.deploy.mutate({
      ini: '[late-local]\nservices = ssh\nhost = local\n\n[late-remote-1]\nservices = ssh\nhost = second\n\n[late-remote-2]\nservices = ssh\nhost = second\n',
    })
    await secondBecomes('unreachable')
    expect(Date.now() - frozenAt).toBeLessThanOrEqual(4 * HEARTBEAT_MS + 1_500)
    const lateRows = await waitTerminal(client, late.lifecycleIds, 90_000)
    const byDecky = new Map(lateRows.map((row) => [row.deckyName, row]))
    expect(byDecky.get('late-local')).toMatchObject({ status: 'succeeded' })
    for (const name of ['late-remote-1', 'late-remote-2']) {
      expect(byDecky.get(name)).toMatchObject({ status: 'failed' })
      expect(byDecky.get(name)?.error).toContain('host second stopped answering')
      // Nothing is known of it while its host is silent.
      const shown = await client.fleet.get.query({ name })
      expect(shown.state).toBe('unknown')
      expect(shown.lastError).toContain('host second stopped answering')
    }
    // Nothing else was affected: the deckies already running keep running and answering.
    for (const decky of onLocal) {
      expect((await client.fleet.get.query({ name: decky.name })).state).toBe('running')
      expect(await banner(decky.ip, 22)).toMatch(/^SSH-2\.0-/)
    }
    expect((await client.hosts.get.query({ id: 'local' })).status).toBe('active')
    // A mutation there is refused with why; a teardown is taken and its row fails at once instead of
    // hanging until the host returns; the decky stays pending_removal, its name and IP reserved.
    const orphaned = onSecond[1]?.name ?? ''
    const orphanedIp = onSecond[1]?.ip ?? ''
    await expect(client.fleet.mutate.mutate({ name: orphaned })).rejects.toThrow(
      `${orphaned} is on host second, which is unreachable`,
    )
    const teardownThere = await client.fleet.teardown.mutate({ name: orphaned })
    const [tornThere] = await waitTerminal(client, teardownThere.lifecycleIds, 10 * HEARTBEAT_MS)
    expect(tornThere).toMatchObject({ status: 'failed' })
    expect(tornThere?.error).toContain('host second is unreachable; nothing was done there')
    expect((await client.fleet.get.query({ name: orphaned })).state).toBe('pending_removal')
    // So is one whose deploy the freeze cut short.
    await client.fleet.teardown.mutate({ name: 'late-remote-1' })
    expect((await client.fleet.get.query({ name: 'late-remote-1' })).state).toBe('pending_removal')
    // A deploy naming the unreachable host is refused with why.
    const refusedDeploy = await client.fleet.deploy
      .mutate({ ini: '[nowhere]\nservices = ssh\nhost = second\n' })
      .catch((error: Error) => error)
    expect((refusedDeploy as Error).message).toContain("host 'second' is unreachable")
    daemon.thaw()
    await secondBecomes('active')

    // ── Back: what was torn down meanwhile is swept and leaves the fleet; what the freeze cut short is
    // deployed again (its half-built containers replaced), so Docker there matches the fleet.
    await expect.poll(() => inFleet(orphaned), { timeout: 60_000 }).toBe(false)
    await expect.poll(() => inFleet('late-remote-1'), { timeout: 60_000 }).toBe(false)
    await expect
      .poll(async () => (await client.fleet.get.query({ name: 'late-remote-2' })).state, { timeout: 120_000 })
      .toBe('running')
    expect(containersPerDecky(stack.instance, daemon.host).get('late-remote-2')).toBe(2)
    expect(await banner((await client.fleet.get.query({ name: 'late-remote-2' })).ip, 22)).toMatch(
      /^SSH-2\.0-/,
    )
    await expect.poll(strayOnSecond, { timeout: 90_000 }).toEqual([])
    // Swept by the sweep that runs when the host answers, or by the periodic one if it came first.
    expect(stack.output()).toMatch(/decnet hosts: second \((host answered|periodic sweep)\): removed/)
    // Its IP is free only now that its containers are gone: a decky taking it gets it (no "Address
    // already in use"), is the only one on it, and answers there. (Its first probes may go unanswered
    // until this machine's neighbour entry for the old MAC ages out, which can outlast the readiness wait.)
    const reuse = await client.fleet.deploy.mutate({
      ini: `[reuse]\nservices = ssh\nhost = second\nip = ${orphanedIp}\n`,
    })
    const [reused] = await waitTerminal(client, reuse.lifecycleIds, 90_000)
    expect(reused?.error ?? '').not.toContain('already in use')
    const lanAddresses = execFileSync(
      'docker',
      [
        '-H',
        daemon.host,
        'network',
        'inspect',
        `${stack.instance}_lan`,
        '--format',
        '{{range .Containers}}{{.IPv4Address}} {{end}}',
      ],
      { encoding: 'utf8' },
    )
    expect(lanAddresses.split(' ').filter((address) => address.startsWith(`${orphanedIp}/`))).toHaveLength(1)
    expect(containersPerDecky(stack.instance, daemon.host).get('reuse')).toBe(2)
    await expect
      .poll(() => banner(orphanedIp, 22).catch((error: Error) => error.message), { timeout: 90_000 })
      .toMatch(/^SSH-2\.0-/)

    // ── Frozen during a teardown: the decky holds its name and IP again until the host answers and
    // its containers are gone.
    const cut = await client.fleet.teardown.mutate({ name: 'pinned-01' })
    daemon.freeze()
    await secondBecomes('unreachable')
    const [cutRow] = await waitTerminal(client, cut.lifecycleIds, 30_000)
    expect(cutRow).toMatchObject({ status: 'failed' })
    expect((await client.fleet.get.query({ name: 'pinned-01' })).state).toBe('pending_removal')
    daemon.thaw()
    await secondBecomes('active')
    await expect.poll(() => inFleet('pinned-01'), { timeout: 60_000 }).toBe(false)
    await expect.poll(strayOnSecond, { timeout: 90_000 }).toEqual([])

    // ── Stopping the daemon outright: unreachable within 3 heartbeats; started again: active.
    await page.goto(`${stack.webUrl}/hosts`)
    await daemon.stop()
    const stoppedAt = Date.now()
    await secondBecomes('unreachable')
    expect(Date.now() - stoppedAt).toBeLessThanOrEqual(4 * HEARTBEAT_MS + 1_500)
    await expect(page.getByTestId('host-second')).toHaveAttribute('data-status', 'unreachable')
    await expect(page.getByTestId('host-local')).toHaveAttribute('data-status', 'active')
    // A decky torn down while the daemon is down: its containers come back with the daemon, and go.
    const killedCase = onSecond[2]?.name ?? ''
    await client.fleet.teardown.mutate({ name: killedCase })
    expect((await client.fleet.get.query({ name: killedCase })).state).toBe('pending_removal')
    await daemon.start()
    await secondBecomes('active')
    await expect(page.getByTestId('host-second')).toHaveAttribute('data-status', 'active')
    await expect.poll(() => inFleet(killedCase), { timeout: 60_000 }).toBe(false)
    await expect.poll(strayOnSecond, { timeout: 90_000 }).toEqual([])
    expect(containersPerDecky(stack.instance, daemon.host).has(killedCase)).toBe(false)

    // ── Decommissioning (from the hosts page, after a confirmation) tears the host's deckies down
    // first — every container on it goes — then retires it; nothing of the local host is touched.
    const stillOnSecond = (await client.fleet.list.query()).filter((decky) => decky.hostId === enrolled.id)
    expect(stillOnSecond.map((decky) => decky.name).sort()).toEqual([broken, 'late-remote-2', 'reuse'].sort())
    // A container of ours that no decky owns (say, left by a failed teardown) is swept up too.
    execFileSync('docker', [
      '-H',
      daemon.host,
      'run',
      '-d',
      '--name',
      `${stack.instance}-stray`,
      '--label',
      'decnet.managed=true',
      '--label',
      `decnet.instance=${stack.instance}`,
      '--label',
      'decnet.decky=stray',
      '--label',
      'decnet.role=base',
      '--network',
      'none',
      DECOY_IMAGE_TAG,
      'pause',
    ])
    await page.goto(`${stack.webUrl}/hosts`)
    await expect(page.getByTestId('host-second').getByTestId('host-deckies')).toContainText(
      String(stillOnSecond.length),
    )
    await page.getByRole('button', { name: 'Decommission second' }).click()
    await page.getByRole('button', { name: 'Confirm decommission' }).click()
    await expect(page.getByTestId('hosts-message')).toContainText(
      `decommissioning second: ${stillOnSecond.length} deckies to tear down`,
    )
    await expect(page.getByTestId('host-second')).toHaveAttribute('data-status', 'decommissioned', {
      timeout: 90_000,
    })
    await expect(page.getByRole('button', { name: 'Decommission second' })).toHaveCount(0)
    expect(instanceContainers(stack.instance, daemon.host)).toEqual([])
    expect(
      execFileSync('docker', ['-H', daemon.host, 'network', 'ls', '--format', '{{.Name}}'], {
        encoding: 'utf8',
      }),
    ).not.toContain(`${stack.instance}_lan`)
    expect((await client.fleet.list.query()).map((decky) => decky.hostId)).toEqual(
      Array(onLocal.length + 1).fill('local'),
    )
    expect([...containersPerDecky(stack.instance).keys()].sort()).toEqual(
      [...onLocal.map((decky) => decky.name), 'late-local'].sort(),
    )

    const enrollAgain = (name: string) =>
      client.hosts.enroll.mutate({
        name,
        dockerUrl: `tcp://127.0.0.1:${port}`,
        tls: { ca: read(certs.ca), cert: read(certs.clientCert), key: read(certs.clientKey) },
        network,
      })
    const statusOf = async (id: string) => (await client.hosts.get.query({ id })).status

    // ── The same engine enrolled again, frozen as its decommission starts: the teardowns are cut short
    // (those deckies wait as pending_removal, the host stays decommissioning); once it answers again the
    // decommission finishes and nothing of ours is left there.
    const frozenHost = await enrollAgain('frozen')
    // More deckies than the host's runner runs at once: some teardowns never even start before the freeze.
    const onFrozen = await client.fleet.deploy.mutate({
      ini: '[cut]\namount = 6\nservices = ssh\nhost = frozen\n',
    })
    const frozenRows = await waitTerminal(client, onFrozen.lifecycleIds, 120_000)
    expect(frozenRows.map((row) => row.status)).toEqual(Array(6).fill('succeeded'))
    daemon.freeze()
    const cutShort = await client.hosts.decommission.mutate({ id: frozenHost.id })
    expect(cutShort.message).toBe('decommissioning frozen: 6 deckies to tear down')
    const cutRows = await waitTerminal(client, cutShort.lifecycleIds, 10 * HEARTBEAT_MS)
    expect(cutRows.map((row) => row.status)).toEqual(Array(6).fill('failed'))
    expect(
      (await client.fleet.list.query())
        .filter((decky) => decky.hostId === frozenHost.id)
        .map((decky) => decky.state),
    ).toEqual(Array(6).fill('pending_removal'))
    expect(await statusOf(frozenHost.id)).toBe('decommissioning')
    daemon.thaw()
    await expect.poll(() => statusOf(frozenHost.id), { timeout: 60_000 }).toBe('decommissioned')
    expect((await client.fleet.list.query()).filter((decky) => decky.name.startsWith('cut-'))).toEqual([])
    expect(instanceContainers(stack.instance, daemon.host)).toEqual([])

    // ── The same engine enrolled again, then decommissioned while it is down: what it was left running
    // is listed on the host, and swept when it answers again.
    const third = await client.hosts.enroll.mutate({
      name: 'third',
      dockerUrl: `tcp://127.0.0.1:${port}`,
      tls: { ca: read(certs.ca), cert: read(certs.clientCert), key: read(certs.clientKey) },
      network,
    })
    const onThird = await client.fleet.deploy.mutate({
      ini: '[dead-1]\nservices = ssh\nhost = third\n\n[dead-2]\nservices = ssh\nhost = third\n',
    })
    const thirdRows = await waitTerminal(client, onThird.lifecycleIds, 90_000)
    expect(thirdRows.map((row) => row.status)).toEqual(['succeeded', 'succeeded'])
    await daemon.stop()
    await expect
      .poll(async () => (await client.hosts.get.query({ id: third.id })).status, {
        timeout: 10 * HEARTBEAT_MS,
      })
      .toBe('unreachable')
    const dead = await client.hosts.decommission.mutate({ id: third.id })
    expect(dead.message).toContain('third decommissioned without answering: 2 deckies removed from the fleet')
    const retired = await client.hosts.get.query({ id: third.id })
    expect(retired.status).toBe('decommissioned')
    expect(retired.leftovers?.deckies.map((decky) => decky.name)).toEqual(['dead-1', 'dead-2'])
    expect(retired.leftovers?.sweptAt).toBeNull()
    await page.goto(`${stack.webUrl}/hosts`)
    await expect(page.getByTestId('host-third').getByTestId('host-leftovers')).toContainText(
      'left running: dead-1, dead-2 — swept if it answers again',
    )
    await daemon.start()
    await expect
      .poll(async () => (await client.hosts.get.query({ id: third.id })).leftovers?.sweptAt ?? null, {
        timeout: 60_000,
      })
      .not.toBeNull()
    expect(instanceContainers(stack.instance, daemon.host)).toEqual([])
    expect((await client.hosts.get.query({ id: third.id })).status).toBe('decommissioned')
    await expect(page.getByTestId('host-third').getByTestId('host-leftovers')).toContainText(
      'left running: dead-1, dead-2 — swept ',
    )
    await expect(page.getByTestId('host-third').getByTestId('host-leftovers')).not.toContainText(
      'if it answers again',
    )
    expect(stack.output()).toContain('decnet hosts: decommissioned third answered: removed 4 containers')

    // ── Teardown of the whole fleet removes every container left; the retired host takes no more deckies.
    const teardown = await client.fleet.teardown.mutate({ all: true })
    const torn = await waitTerminal(client, teardown.lifecycleIds, 120_000)
    expect(torn.filter((row) => row.status !== 'succeeded')).toEqual([])
    expect(instanceContainers(stack.instance)).toEqual([])
    const afterwards = await client.fleet.deploy.mutate({ ini: '[after]\nservices = ssh\n' })
    expect(afterwards.mode).toBe('unihost')
    await waitTerminal(client, afterwards.lifecycleIds, 60_000)
    expect((await client.fleet.get.query({ name: 'after' })).hostId).toBe('local')
  } finally {
    daemon.thaw()
    await running?.stop()
    await daemon.destroy()
  }
})
