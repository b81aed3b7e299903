import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Persona } from '@decnet/core/schemas'
import { afterEach, describe, expect, it } from 'vitest'
import type { RunningEmulator } from '../src/emulator.ts'
import { startEmulator } from '../src/start.ts'
import { loopbackHost } from './helpers.ts'
import { alpinePersona, debianPersona, debianTwin } from './shell-personas.ts'
import { sshpassArgs } from './support/ssh-client.ts'

const run = promisify(execFile)
const started: RunningEmulator[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((emulator) => emulator.close()))
})

async function startSsh(persona: Persona): Promise<{ host: string; port: number }> {
  const host = loopbackHost()
  const running = await startEmulator('ssh', {
    decky: 'decky-shell',
    bindAddress: host,
    ports: [0],
    config: { password: 'Winter2026!' },
    persona,
    onEvent: () => undefined,
  })
  started.push(running)
  return { host, port: running.ports[0] as number }
}

/** Debian's OpenSSH client, logging in with a password through sshpass, as an intruder would. */
async function sshRun(target: { host: string; port: number }, command: string): Promise<string> {
  // A line whose last command is not found exits 127, as over real sshd: its output still counts.
  const { stdout } = await run(
    'sshpass',
    sshpassArgs({ address: target.host, port: target.port, password: 'Winter2026!', command, quiet: true }),
    { timeout: 60_000 },
  ).catch((error: { stdout?: string; code?: number }) => {
    if (error.code !== 127 || error.stdout === undefined) throw error
    return { stdout: error.stdout }
  })
  return stdout
}

describe('fake shell over a real ssh client', () => {
  it('uname, os-release and uptime tell the persona story', async () => {
    // Tell: telnet's uname said Alpine while SNMP said Ubuntu, and uptime showed one frozen load on every decky.
    const persona = debianPersona('0123456789abcdef0123456789abcdef', {
      bootTime: Math.floor(Date.now() / 1000) - 3 * 86_400 - 4 * 3_600,
    })
    const output = await sshRun(await startSsh(persona), 'uname -a; cat /etc/os-release; uptime')
    const [uname, ...rest] = output.split('\n')
    expect(uname).toBe(
      `Linux ${persona.hostname} ${persona.os.kernel} ${persona.os.kernelVersion} ${persona.os.arch} GNU/Linux`,
    )
    const text = rest.join('\n')
    expect(text).toContain(`PRETTY_NAME="${persona.os.name}"\n`)
    expect(text).toContain(`ID=${persona.os.id}\n`)
    expect(text).toContain(`VERSION_ID="${persona.os.versionId}"\n`)
    expect(text).toMatch(
      / \d\d:\d\d:\d\d up 3 days, {2}4:0\d, {2}1 user, {2}load average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d\n$/,
    )
  }, 90_000)

  it('an Alpine persona answers with busybox uname and its own os-release', async () => {
    // Tell: busybox-style output on deckies that claimed Debian or Ubuntu elsewhere.
    const persona = alpinePersona('2'.repeat(32))
    const output = await sshRun(await startSsh(persona), 'uname -a; cat /etc/os-release; lscpu')
    expect(output).toContain(`Linux gw-edge ${persona.os.kernel} ${persona.os.kernelVersion} x86_64 Linux\n`)
    expect(output).toContain('PRETTY_NAME="Alpine Linux v3.19"\n')
    expect(output).toContain('-ash: lscpu: not found\n')
  }, 90_000)

  it('host key fingerprints belong to the persona: stable per decky, different between twins', async () => {
    // Tell: host keys derived from a content stream every decky of a distro shared would fingerprint the fleet.
    const ed25519 = async (target: { host: string; port: number }) => {
      const { stdout } = await run('ssh-keyscan', ['-t', 'ed25519', '-p', String(target.port), target.host], {
        timeout: 60_000,
      })
      return stdout.trim().split(/\s+/).slice(1).join(' ')
    }
    const persona = debianPersona('0123456789abcdef0123456789abcdef')
    const first = await ed25519(await startSsh(persona))
    expect(first).toMatch(/^ssh-ed25519 AAAA/)
    expect(await ed25519(await startSsh(persona))).toBe(first)
    expect(await ed25519(await startSsh(debianTwin()))).not.toBe(first)
    // Tell: /etc/ssh had no host key files, so `cat /etc/ssh/ssh_host_ed25519_key.pub` failed on every decky.
    const target = await startSsh(persona)
    const file = await sshRun(target, 'cat /etc/ssh/ssh_host_ed25519_key.pub')
    expect(file.trim().split(/\s+/).slice(0, 2).join(' ')).toBe(first)
  }, 90_000)
})
