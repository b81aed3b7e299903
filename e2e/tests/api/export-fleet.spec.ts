import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sshpassArgs } from '../../../packages/decoys/test/support/ssh-client.ts'
import { adminCli, decnet } from '../../fixtures/cli.ts'
import { instanceContainers } from '../../fixtures/docker.ts'
import { expect, test } from '../../fixtures/stack.ts'

// Values with the characters the `ini` package would escape or quote, so the export has to write them
// literally for the deckies to come back the same.
const ROOT_PASSWORD = 'pa;ss#w=rd-1'
const SERVER_HEADER = 'Apache/2.4.54 (Debian); mod=1 #x'
const CUSTOM_BODY = '<h1>It works</h1>\n<p>"quoted" [section] ; not a comment</p>\n'

type DeckyStatus = {
  name: string
  state: string
  ip: string
  mac: string
  distro: string
  osFamily: string
  services: string[]
  /** Where it answers from this machine (its LAN IP on Docker). */
  address: string
}

const deckiesInDocker = (instance: string) =>
  [...new Set(instanceContainers(instance).map((container) => container.decky))].sort()

function curl(args: string[]): string {
  return execFileSync('curl', ['-sS', '--max-time', '10', ...args], { encoding: 'utf8' })
}

test('decnet export fleet, teardown --all, then deploying the export brings back the same deckies', async ({
  stack,
}) => {
  test.setTimeout(300_000)
  const { env } = await adminCli(stack)
  // The stack is shared with earlier specs of this worker: start from an empty fleet, so the export
  // holds exactly what this test deployed.
  expect((await decnet(['teardown', '--all'], env)).code).toBe(0)
  const dir = mkdtempSync(path.join(os.tmpdir(), 'decnet-export-'))
  const fleetIni = path.join(dir, 'fleet.ini')
  writeFileSync(
    fleetIni,
    [
      '[exp-web]\nservices = http\ndistro = rocky9\nmutate_interval = 2h\n',
      `[exp-web.http]\nserver_header = ${SERVER_HEADER}\ncustom_body = b64:${Buffer.from(CUSTOM_BODY).toString('base64')}\n`,
      '[exp-ssh]\nservices = ssh\n',
      `[exp-ssh.ssh]\npassword = ${ROOT_PASSWORD}\n`,
    ].join('\n'),
  )
  const deployed = await decnet(['deploy', '-c', fleetIni], env)
  expect(deployed.stderr).toBe('')
  expect(deployed.stdout).toContain('all 2 done')
  const before = JSON.parse((await decnet(['--json', 'status'], env)).stdout) as DeckyStatus[]

  const exportedIni = path.join(dir, 'exported.ini')
  const exported = await decnet(['export', 'fleet', '--out', exportedIni], env)
  expect(exported).toMatchObject({ code: 0, stderr: '' })
  expect(readFileSync(exportedIni, 'utf8')).toContain(`\npassword = ${ROOT_PASSWORD}\n`)

  const teardown = await decnet(['teardown', '--all'], env)
  expect(teardown.code).toBe(0)
  expect(deckiesInDocker(stack.instance)).toEqual([])
  expect((await decnet(['--json', 'status'], env)).stdout.trim()).toBe('[]')

  const again = await decnet(['deploy', '-c', exportedIni], env)
  expect(again.stderr).toBe('')
  expect(again.stdout).toContain('all 2 done')
  expect(deckiesInDocker(stack.instance)).toEqual(['exp-ssh', 'exp-web'])
  const after = JSON.parse((await decnet(['--json', 'status'], env)).stdout) as DeckyStatus[]
  // The INI holds the fleet as the operator wrote it, not the personas: a redeploy after teardown
  // draws new machines (MAC, hostname) with the same names, addresses, distros and services.
  const identity = (fleet: DeckyStatus[]) =>
    fleet.map(({ name, state, ip, distro, osFamily, services }) => ({
      name,
      state,
      ip,
      distro,
      osFamily,
      services,
    }))
  expect(identity(after)).toEqual(identity(before))
  expect(after.every((decky) => decky.state === 'running')).toBe(true)

  // The personas came back too, as real clients see them.
  const web = after.find((decky) => decky.name === 'exp-web')!
  const headers = curl(['-D', '-', '-o', '/dev/null', `http://${web.address}/no-such-page`])
  expect(headers).toContain(`Server: ${SERVER_HEADER}`)
  expect(curl([`http://${web.address}/no-such-page`])).toBe(CUSTOM_BODY)
  const sshAddress = after.find((decky) => decky.name === 'exp-ssh')!.address
  const ssh = (password: string) =>
    execFileSync('sshpass', sshpassArgs({ address: sshAddress, password, command: 'echo exported-ok' }), {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    })
  expect(ssh(ROOT_PASSWORD)).toContain('exported-ok')
  expect(() => ssh('admin')).toThrow()
})
