// Attacker intelligence against what the emulators really emit: real clients (curl, wget, Python
// requests, nmap, hydra, medusa, OpenSSH) run against in-process emulators, and their events go
// through the core rule sets as ingest would hand them over. Guards the rules against drift in the
// event fields (a renamed field would silently stop every rule reading it).
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { classifyAttacker } from '@decnet/core/intel'
import { describe, expect, it } from 'vitest'
import type { DecoyEvent } from '../src/emulator.ts'
import { closeStartedAfterEach, startTestEmulator } from './helpers.ts'
import { summarise } from './intel-summary.ts'
import { sshpassArgs } from './support/ssh-client.ts'

closeStartedAfterEach()
const execFileAsync = promisify(execFile)

const wordlist = path.join(mkdtempSync(path.join(tmpdir(), 'decnet-intel-')), 'passwords.txt')
// The emulator's root password (`admin`, set below: a decky has no fleet-wide default) last: the brute-forcers stop once they find it.
writeFileSync(wordlist, ['123456', 'password', 'root', 'toor', 'qwerty', 'admin'].join('\n'))

async function runClient(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  // Brute-forcers exit non-zero or zero depending on what they found: only the traffic matters here.
  await execFileAsync(command, args, { timeout: 180_000, env: { ...process.env, ...env } }).catch(
    () => undefined,
  )
}

/** Waits until the emulator has logged the client's last disconnect (events trail the client's exit). */
async function settled(events: DecoyEvent[]): Promise<void> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const open =
      events.filter((e) => e.event === 'connect').length -
      events.filter((e) => e.event === 'disconnect').length
    if (open <= 0 || Date.now() > deadline) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('intel rules on real clients against the emulators', () => {
  it.each([
    ['curl', 'curl', (url: string) => ['curl', ['-s', '-o', '/dev/null', url]] as const],
    ['wget', 'wget', (url: string) => ['wget', ['-q', '-O', '/dev/null', url]] as const],
    [
      'python-requests',
      'python-requests',
      (url: string) =>
        ['/usr/bin/python3', ['-c', `import requests; requests.get(${JSON.stringify(url)})`]] as const,
    ],
  ])(
    '%s is named by its user agent, its fingerprint kept, and one request classifies nothing',
    async (_name, tool, command) => {
      const web = await startTestEmulator('http')
      const [bin, args] = command(`http://${web.host}:${web.port}/`)
      await runClient(bin, [...args])
      await web.waitFor((event) => event.event === 'request')
      await settled(web.events)
      const { summary, findings } = summarise(web.events)
      expect(summary.tools).toEqual([tool])
      expect(findings.flatMap((found) => found.fingerprints.map((f) => f.kind))).toContain('user_agent')
      expect(classifyAttacker(summary).class).toBe('unknown')
    },
  )

  it('nmap -sV on a web server: named nmap from its probes and NSE user agent, classified scanner', async () => {
    const web = await startTestEmulator('http')
    await runClient('nmap', ['-sV', '-Pn', '-n', '-p', String(web.port), web.host])
    await settled(web.events)
    const { summary, findings } = summarise(web.events)
    const nmapRules = new Set(
      findings.flatMap((found) => found.tools.filter((t) => t.tool === 'nmap').map((t) => t.ruleId)),
    )
    expect(nmapRules).toContain('tool.nmap.probe-get-request')
    expect(nmapRules).toContain('tool.nmap.nse-user-agent')
    expect(summary.techniques).toContain('T1595')
    const classification = classifyAttacker(summary)
    expect(classification.class).toBe('scanner')
    expect(classification.evidence[0]).toBe('scanning tool: Nmap')
  }, 200_000)

  it('hydra on SSH: libssh client, failed logins tagged T1110.001, classified brute-forcer', async () => {
    const ssh = await startTestEmulator('ssh', { config: { password: 'admin' } })
    await runClient('hydra', [
      '-l',
      'root',
      '-P',
      wordlist,
      '-t',
      '2',
      '-s',
      String(ssh.port),
      ssh.host,
      'ssh',
    ])
    await settled(ssh.events)
    const { summary } = summarise(ssh.events)
    expect(summary.behaviour.authFailures).toBeGreaterThanOrEqual(5)
    expect(summary.tools).toContain('libssh')
    expect(summary.techniques).toEqual(expect.arrayContaining(['T1110.001', 'T1078']))
    const classification = classifyAttacker(summary)
    expect(classification.class).toBe('brute_forcer')
    expect(classification.evidence[0]).toMatch(/^\d+ login attempts \(\d+ failed\) with \d+ credentials over/)
  }, 200_000)

  it('hydra on HTTP basic auth: named by its user agent, classified brute-forcer', async () => {
    const web = await startTestEmulator('http')
    await runClient('hydra', [
      '-l',
      'admin',
      '-P',
      wordlist,
      '-t',
      '2',
      '-s',
      String(web.port),
      web.host,
      'http-get',
      '/',
    ])
    await settled(web.events)
    const { summary } = summarise(web.events)
    expect(summary.tools).toContain('hydra')
    expect(classifyAttacker(summary).class).toBe('brute_forcer')
  }, 200_000)

  it('medusa on SSH: named by its client version, classified brute-forcer', async () => {
    const ssh = await startTestEmulator('ssh', { config: { password: 'admin' } })
    await runClient('medusa', [
      '-h',
      ssh.host,
      '-n',
      String(ssh.port),
      '-u',
      'root',
      '-P',
      wordlist,
      '-M',
      'ssh',
      '-t',
      '2',
    ])
    await settled(ssh.events)
    const { summary } = summarise(ssh.events)
    expect(summary.tools).toContain('medusa')
    const classification = classifyAttacker(summary)
    expect(classification.class).toBe('brute_forcer')
    expect(classification.evidence).toContain('brute-force tool: Medusa')
  }, 200_000)

  it('OpenSSH `ssh host cmd`: client named, discovery tagged, exec without a shell classified bot', async () => {
    const ssh = await startTestEmulator('ssh', { config: { password: 'admin' } })
    await runClient(
      'sshpass',
      sshpassArgs({ address: ssh.host, port: ssh.port, password: 'admin', command: 'uname -a; id' }),
    )
    await settled(ssh.events)
    const { summary } = summarise(ssh.events)
    expect(summary.tools).toEqual(['openssh'])
    expect(summary.techniques).toEqual(expect.arrayContaining(['T1078', 'T1059.004', 'T1082', 'T1033']))
    expect(classifyAttacker(summary).class).toBe('bot')
  }, 60_000)

  it('an interactive OpenSSH session (pty, typed commands): commands tagged, classified interactive', async () => {
    const ssh = await startTestEmulator('ssh', { config: { password: 'admin' } })
    const client: ChildProcess = spawn(
      'sshpass',
      sshpassArgs({ address: ssh.host, port: ssh.port, password: 'admin', tty: true }),
      { stdio: ['pipe', 'ignore', 'ignore'] },
    )
    const exited = new Promise((resolve) => client.once('exit', resolve))
    try {
      await ssh.waitFor((event) => event.event === 'auth_attempt' && event.fields.success === true, 30_000)
      for (const line of ['cat /proc/cpuinfo', 'crontab -l', 'exit']) {
        client.stdin?.write(`${line}\n`)
        await new Promise((resolve) => setTimeout(resolve, 300))
      }
      await exited
    } finally {
      client.kill()
    }
    await settled(ssh.events)
    const { summary } = summarise(ssh.events)
    expect(summary.behaviour.interactiveCommands).toBeGreaterThanOrEqual(2)
    expect(summary.techniques).toEqual(expect.arrayContaining(['T1059.004', 'T1082', 'T1053.003']))
    expect(classifyAttacker(summary).class).toBe('interactive')
  }, 60_000)
})
