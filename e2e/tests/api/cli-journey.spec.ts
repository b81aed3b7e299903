import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { signInAdmin } from '../../fixtures/auth.ts'
import { decnet } from '../../fixtures/cli.ts'
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
  const { token } = await signInAdmin(stack)
  const env = { url: stack.apiUrl, token }
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
  const { token } = await signInAdmin(stack)
  const env = { url: stack.apiUrl, token }
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
