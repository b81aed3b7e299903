import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sshRun } from '../../fixtures/attacker.ts'
import { adminCli, decnet, startDecnet } from '../../fixtures/cli.ts'
import { instanceContainers } from '../../fixtures/docker.ts'
import { expect, test } from '../../fixtures/stack.ts'

function iniFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'decnet-ini-')), 'fleet.ini')
  writeFileSync(file, text)
  return file
}

const deckiesInDocker = (instance: string) =>
  [...new Set(instanceContainers(instance).map((container) => container.decky))].sort()

test('decnet deploy follows a 3-decky deploy live, refuses a repeat, and --replace-fleet shrinks the fleet', async ({
  stack,
}) => {
  test.setTimeout(180_000)
  const { env } = await adminCli(stack)
  const fleetIni = iniFile(
    '[cli-a]\nservices = ssh\n\n[cli-b]\nservices = http\n\n[cli-c]\nservices = ftp, redis\n',
  )

  const first = await decnet(['deploy', '-c', fleetIni], env)
  expect(first.stderr).toBe('')
  expect(first.code).toBe(0)
  for (const name of ['cli-a', 'cli-b', 'cli-c']) {
    expect(first.stdout).toMatch(new RegExp(`${name}\\s+deploy\\s+running`))
    expect(first.stdout).toMatch(new RegExp(`${name}\\s+deploy\\s+succeeded`))
  }
  expect(first.stdout).toContain('all 3 done')
  expect(deckiesInDocker(stack.instance)).toEqual(['cli-a', 'cli-b', 'cli-c'])
  const containersBefore = instanceContainers(stack.instance)
    .map((container) => container.name)
    .sort()

  const repeat = await decnet(['deploy', '-c', fleetIni], env)
  expect(repeat.code).not.toBe(0)
  expect(repeat.stderr).toMatch(/decky "cli-a" already exists|cli-a/)
  expect(
    instanceContainers(stack.instance)
      .map((container) => container.name)
      .sort(),
  ).toEqual(containersBefore)

  const status = await decnet(['--json', 'status'], env)
  const fleet = JSON.parse(status.stdout) as { name: string; state: string }[]
  expect(fleet.map((decky) => [decky.name, decky.state])).toEqual([
    ['cli-a', 'running'],
    ['cli-b', 'running'],
    ['cli-c', 'running'],
  ])

  const smaller = await decnet(['deploy', '-c', iniFile('[cli-a]\nservices = ssh\n'), '--replace-fleet'], env)
  expect(smaller.code).toBe(0)
  expect(smaller.stdout).toMatch(/cli-b\s+teardown\s+succeeded/)
  expect(smaller.stdout).toMatch(/cli-c\s+teardown\s+succeeded/)
  expect((await decnet(['--json', 'status'], env)).stdout).toContain('"cli-a"')
  expect(deckiesInDocker(stack.instance)).toEqual(['cli-a'])
})

test('decnet services, archetypes and distros print each catalogue one line an entry, or as JSON', async ({
  stack,
}) => {
  const { env } = await adminCli(stack)
  const services = await decnet(['services'], env)
  expect(services.code).toBe(0)
  expect(services.stdout).toMatch(/^ssh\s+22\/tcp\s+\S/m)
  const archetypes = await decnet(['archetypes'], env)
  expect(archetypes.code).toBe(0)
  expect(archetypes.stdout).toMatch(/^windows-server\s+\S*smb\S*\s+\S/m)
  const distros = JSON.parse((await decnet(['--json', 'distros'], env)).stdout) as {
    slug: string
    name: string
  }[]
  expect(distros.map((distro) => distro.slug)).toContain('debian')
  const lines = (await decnet(['distros'], env)).stdout.trimEnd().split('\n')
  expect(lines).toEqual(distros.map((distro) => `${distro.slug.padEnd(10)} ${distro.name}`))
})

test('decnet deploy from flags: --dry-run prints the plan and deploys nothing, bad flags list the choices, then it deploys', async ({
  stack,
}) => {
  test.setTimeout(300_000)
  const { client, env } = await adminCli(stack)
  const flags = ['-n', '2', '--archetype', 'linux-server', '--distro', 'debian', '--services', 'ssh,http']
  const flagDeckies = () => deckiesInDocker(stack.instance).filter((name) => name.startsWith('flag-'))

  const dryRun = await decnet(['deploy', ...flags, '--name-prefix', 'flag', '--dry-run'], env)
  expect(dryRun.stderr).toBe('')
  expect(dryRun.code).toBe(0)
  expect(dryRun.stdout).toContain('plan: 2 to create')
  expect(dryRun.stdout).toMatch(/^NAME\s+HOST\s+IP\s+MAC\s+HOSTNAME\s+OS\s+DISTRO\s+ARCHETYPE\s+SERVICES$/m)
  for (const name of ['flag-01', 'flag-02']) {
    expect(dryRun.stdout).toMatch(
      new RegExp(
        `^${name}\\s+\\S+\\s+\\d+\\.\\d+\\.\\d+\\.\\d+\\s.*debian\\s+linux-server\\s+ssh,http$`,
        'm',
      ),
    )
  }
  expect(dryRun.stdout).toContain('dry run: nothing was deployed')
  expect(dryRun.stdout).toMatch(
    /^seed: [0-9a-f]{32} \(add --seed [0-9a-f]{32} to deploy exactly this plan\)$/m,
  )
  const plan = JSON.parse(
    (await decnet(['--json', 'deploy', ...flags, '--name-prefix', 'flag', '--dry-run'], env)).stdout,
  ) as {
    seed: string
    create: { name: string; distro: string; services: string[]; ip: string; mac: string; hostname: string }[]
  }
  expect(plan.create.map((decky) => [decky.name, decky.distro, decky.services])).toEqual([
    ['flag-01', 'debian', ['ssh', 'http']],
    ['flag-02', 'debian', ['ssh', 'http']],
  ])
  // An INI deploy previews the same way.
  const iniDryRun = await decnet(['deploy', '-c', iniFile('[flag-ini]\nservices = ftp\n'), '--dry-run'], env)
  expect(iniDryRun.code).toBe(0)
  expect(iniDryRun.stdout).toMatch(/^flag-ini\s.*\sftp$/m)
  expect(
    (await client.fleet.list.query()).map((decky) => decky.name).filter((name) => name.startsWith('flag-')),
  ).toEqual([])
  expect(flagDeckies()).toEqual([])

  const badArchetype = await decnet(['deploy', '-n', '2', '--archetype', 'toaster'], env)
  expect(badArchetype.code).toBe(1)
  expect(badArchetype.stderr).toMatch(/--archetype: unknown archetype 'toaster'; available: .*linux-server/)
  const badDistro = await decnet(['deploy', '--services', 'ssh', '--distro', 'plan9', '--dry-run'], env)
  expect(badDistro.code).toBe(1)
  expect(badDistro.stderr).toMatch(/--distro: unknown distro 'plan9'; available: .*debian/)
  const badService = await decnet(['deploy', '--services', 'ssh,gopher'], env)
  expect(badService.code).toBe(1)
  expect(badService.stderr).toMatch(/--services: unknown service\(s\) 'gopher'; available: .*ssh/)
  const both = await decnet(['deploy', '-c', iniFile('[x]\nservices = ssh\n'), '-n', '2'], env)
  expect(both.code).toBe(1)
  expect(both.stderr).toContain('either -c <file> or deployment flags')
  expect(flagDeckies()).toEqual([])

  try {
    // The seed of the JSON dry run deploys exactly that plan: the same addresses, MACs and hostnames.
    const badSeed = await decnet(['deploy', ...flags, '--name-prefix', 'flag', '--seed', 'not-hex'], env)
    expect(badSeed.code).toBe(1)
    expect(badSeed.stderr).toContain("--seed: 'not-hex' is not a plan seed")
    const deployed = await decnet(['deploy', ...flags, '--name-prefix', 'flag', '--seed', plan.seed], env)
    expect(deployed.stderr).toBe('')
    expect(deployed.code, deployed.stdout).toBe(0)
    expect(deployed.stdout).toContain('all 2 done')
    expect(flagDeckies()).toEqual(['flag-01', 'flag-02'])
    const fleet = (await client.fleet.list.query()).filter((decky) => decky.name.startsWith('flag-'))
    expect(fleet.map((decky) => [decky.name, decky.distro, decky.archetype, decky.services])).toEqual([
      ['flag-01', 'debian', 'linux-server', ['ssh', 'http']],
      ['flag-02', 'debian', 'linux-server', ['ssh', 'http']],
    ])
    expect(fleet.map((decky) => [decky.name, decky.ip, decky.mac, decky.hostname])).toEqual(
      plan.create.map((decky) => [decky.name, decky.ip, decky.mac, decky.hostname]),
    )

    const status = await decnet(['status'], env)
    expect(status.code).toBe(0)
    const [header, ...rows] = status.stdout.trimEnd().split('\n')
    expect(header).toMatch(/^NAME\s+ADDRESS\s+STATE\s+HOST\s+ARCHETYPE\s+SERVICES$/)
    for (const decky of fleet) {
      expect(rows).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^${decky.name}\\s+${decky.address.replaceAll('.', '\\.')}\\s+running\\s+${decky.hostName}\\s+linux-server\\s+ssh,http$`,
          ),
        ),
      )
    }

    // Mutate shows the change first; without a terminal it wants --yes and changes nothing.
    const unconfirmed = await decnet(['mutate', 'flag-01'], env)
    expect(unconfirmed.code).toBe(1)
    expect(unconfirmed.stderr).toMatch(
      /^decnet: flag-01 \(linux-server\): ssh, http → \S.*\nnot mutated: confirm with --yes/m,
    )
    const picked = await decnet(['mutate', 'flag-01', '--services', 'gopher', '--yes'], env)
    expect(picked.code).toBe(1)
    expect(picked.stderr).toMatch(/--services: not in flag-01's pool: gopher; available: /)
    const { pool } = JSON.parse((await decnet(['--json', 'mutate', 'flag-01', '--dry-run'], env)).stdout) as {
      pool: string[]
    }
    const only = pool[0] ?? ''
    const dryMutation = await decnet(['mutate', 'flag-01', '--services', only, '--dry-run'], env)
    expect(dryMutation.stdout).toContain(
      `flag-01 (linux-server): ssh, http → ${only}\ndry run: nothing was changed`,
    )
    expect((await client.fleet.get.query({ name: 'flag-01' })).services).toEqual(['ssh', 'http'])
    const mutated = await decnet(['mutate', 'flag-01', '--services', only, '--yes'], env)
    expect(mutated.code, mutated.stdout + mutated.stderr).toBe(0)
    expect(mutated.stdout).toMatch(/flag-01\s+mutate\s+succeeded/)
    expect((await client.fleet.get.query({ name: 'flag-01' })).services).toEqual([only])
  } finally {
    await decnet(['teardown', 'flag-01'], env)
    await decnet(['teardown', 'flag-02'], env)
  }
  expect(flagDeckies()).toEqual([])
})

test('decnet logs prints one escaped line an event and --follow streams a new one until Ctrl-C; decnet attackers lists and profiles the source', async ({
  stack,
}) => {
  test.setTimeout(300_000)
  const { client, env } = await adminCli(stack)
  try {
    const deployed = await decnet(['deploy', '--services', 'ssh,http', '--name-prefix', 'cli-logs'], env)
    expect(deployed.stdout, deployed.stderr).toContain('all 1 done')
    const { address } = await client.fleet.get.query({ name: 'cli-logs' })
    // A username carrying a terminal escape (it would paint the operator's terminal red).
    await sshRun(address, 'cli\u001b[31mred', 'not-the-password-1', 'id').catch(() => null)
    const attempt = async () =>
      (await client.logs.search.query({ q: 'decky:cli-logs service:ssh', limit: 100 })).rows.find((row) =>
        JSON.stringify(row.fields).includes('red'),
      )
    await expect.poll(async () => Boolean(await attempt()), { timeout: 60_000 }).toBe(true)
    const source = (await attempt())?.attackerIp ?? ''
    expect(source).toMatch(/^\d+\.\d+\.\d+\.\d+$/)
    const ip = source.replaceAll('.', '\\.')

    const logs = await decnet(['logs', 'decky:cli-logs'], env)
    expect(logs.code, logs.stderr).toBe(0)
    expect(logs.stdout).not.toContain('\u001b')
    expect(logs.stdout).toMatch(
      new RegExp(`^\\S+Z cli-logs\\s+ssh\\s+\\S+\\s+${ip}\\s+.*username=cli\\\\x1b\\[31mred`, 'm'),
    )
    expect(logs.stdout).toMatch(/^\d+ matching$/m)
    const asJson = JSON.parse((await decnet(['--json', 'logs', 'decky:cli-logs'], env)).stdout) as {
      rows: { decky: string }[]
    }
    expect(asJson.rows.length).toBeGreaterThan(0)
    expect(new Set(asJson.rows.map((row) => row.decky))).toEqual(new Set(['cli-logs']))
    const future = new Date(Date.now() + 3_600_000).toISOString()
    expect((await decnet(['logs', 'decky:cli-logs', '--since', future], env)).stdout.trim()).toBe(
      '0 matching',
    )
    expect((await decnet(['logs', 'decky:cli-logs', '--since', '1h'], env)).stdout).toContain('username=cli')

    const follower = startDecnet(['logs', 'decky:cli-logs service:http', '--follow'], env)
    try {
      await expect.poll(follower.stderr, { timeout: 30_000 }).toContain('following new events')
      const marker = `cli-follow-${Date.now()}`
      execFileSync('curl', ['-s', '-o', '/dev/null', '--max-time', '10', `http://${address}/${marker}`])
      await expect.poll(follower.stdout, { timeout: 60_000 }).toContain(marker)
      expect(follower.stdout()).toMatch(
        new RegExp(`^\\S+Z cli-logs\\s+http\\s+request\\s+${ip}\\s+.*path=/${marker}`, 'm'),
      )
    } finally {
      follower.signal('SIGINT')
    }
    const followed = await follower.exited
    expect(followed.code).toBe(0)
    expect(followed.stderr).toBe('following new events (Ctrl-C to stop)\n')

    const attackers = await decnet(['attackers'], env)
    expect(attackers.code, attackers.stderr).toBe(0)
    const [header, ...rows] = attackers.stdout.trimEnd().split('\n')
    expect(header).toMatch(/^IP\s+LAST SEEN\s+FIRST SEEN\s+EVENTS\s+CREDS\s+WHERE\s+SERVICES\s+DECKIES$/)
    expect(rows).toContainEqual(
      expect.stringMatching(new RegExp(`^${ip}\\s+\\S+Z\\s+\\S+Z\\s+\\d+\\s+\\d+\\s+.*cli-logs`)),
    )
    const listed = JSON.parse((await decnet(['--json', 'attackers'], env)).stdout) as {
      rows: { lastSeen: string }[]
    }
    const lastSeen = listed.rows.map((row) => row.lastSeen)
    expect(lastSeen).toEqual([...lastSeen].sort().reverse())

    const profile = await decnet(['attackers', source], env)
    expect(profile.code, profile.stderr).toBe(0)
    expect(profile.stdout).toContain(`attacker ${source}`)
    expect(profile.stdout).toMatch(/^ {2}services\s+\S*(http\S*ssh|ssh\S*http)/m)
    expect(profile.stdout).toMatch(/^ {2}credentials\s+[1-9]\d* tried$/m)
    expect(profile.stdout).toMatch(/^ {2}first seen\s+\S+Z$/m)
    expect(profile.stdout).toMatch(/^ {2}class\s+\S+$/m)
    expect(profile.stdout).not.toContain('\u001b')
    const detail = JSON.parse((await decnet(['--json', 'attackers', source], env)).stdout) as {
      ip: string
      credentialTotal: number
    }
    expect(detail.ip).toBe(source)
    expect(detail.credentialTotal).toBeGreaterThan(0)
    const unknown = await decnet(['attackers', '198.51.100.254'], env)
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('no attacker with address 198.51.100.254')
  } finally {
    await decnet(['teardown', 'cli-logs'], env)
  }
})
