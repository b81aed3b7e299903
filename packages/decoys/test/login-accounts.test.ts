// Logins of the fake shell (issue 18): each decky accepts its persona's accounts (different on two
// deckies of one archetype), /etc/passwd lists exactly those, the operator's policies hold, and a
// refused password is answered after 2–3 s as sshd/login do — all measured with Debian's own clients.
import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process'
import { derivePersona, personaAccounts } from '@decnet/core'
import type { Persona } from '@decnet/core/schemas'
import { describe, expect, it } from 'vitest'
import { closeStartedAfterEach } from './helpers.ts'
import { startWithPersona } from './persona-fixture.ts'
import { sshLogin } from './ssh-login.ts'
import { sshpassArgs } from './support/ssh-client.ts'

closeStartedAfterEach()

const webServer = (seed: string): Persona =>
  derivePersona({ seed, osFamily: 'linux', distro: 'debian', archetype: 'web-server' })

/**
 * One login by Debian's OpenSSH client fed by sshpass: `ok` (logged in, ran `command`), `refused`
 * (ssh's "Permission denied"), or `error` with what it said; the output and the wall time.
 */
function sshpass(
  host: string,
  port: number,
  user: string,
  password: string,
  command = 'true',
): Promise<{ outcome: 'ok' | 'refused' | string; output: string; ms: number }> {
  const started = performance.now()
  return new Promise((resolve) => {
    execFile(
      'sshpass',
      sshpassArgs({ address: host, port, user, password, command, connectTimeoutSeconds: 20, quiet: true }),
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        const outcome = !error ? 'ok' : /Permission denied/.test(stderr) ? 'refused' : `error: ${stderr}`
        resolve({ outcome, output: stdout, ms: performance.now() - started })
      },
    )
  })
}

/** Debian's telnet client on a pipe: what it printed so far, and waiting for a pattern in it. */
function telnetClient(host: string, port: number) {
  const child: ChildProcessWithoutNullStreams = spawn('telnet', [host, String(port)])
  let output = ''
  const waiters: (() => void)[] = []
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('latin1')
    for (const waiter of waiters.splice(0)) waiter()
  })
  const expectText = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<number>((resolve, reject) => {
      const from = output.length
      const timer = setTimeout(
        () => reject(new Error(`telnet: no ${pattern} in ${JSON.stringify(output)}`)),
        timeoutMs,
      )
      const check = () => {
        if (pattern.test(output.slice(from))) {
          clearTimeout(timer)
          resolve(performance.now())
        } else waiters.push(check)
      }
      check()
    })
  return {
    /** Resolves (with the time) once `pattern` appears after everything already printed. */
    expect: expectText,
    send: (line: string) => child.stdin.write(`${line}\n`),
    close: () => child.kill(),
    get output() {
      return output
    },
  }
}

describe('a decky accepts its own accounts (ssh, real OpenSSH client)', () => {
  it('two web servers: each accepts its root password, the other refuses it', async () => {
    const [a, b] = [webServer('0a'.repeat(16)), webServer('0b'.repeat(16))]
    const rootA = personaAccounts(a)[0]
    const rootB = personaAccounts(b)[0]
    expect(rootA?.user).toBe('root')
    // Different seeds, different accounts: the whole account lists differ, not only the root password.
    expect(personaAccounts(a)).not.toEqual(personaAccounts(b))
    const [sshA, sshB] = await Promise.all([startWithPersona('ssh', a), startWithPersona('ssh', b)])
    expect((await sshpass(sshA.host, sshA.port, 'root', rootA?.password ?? '')).outcome).toBe('ok')
    expect((await sshpass(sshB.host, sshB.port, 'root', rootB?.password ?? '')).outcome).toBe('ok')
    if (rootA?.password !== rootB?.password) {
      expect((await sshpass(sshB.host, sshB.port, 'root', rootA?.password ?? '')).outcome).toBe('refused')
    }
    // The person's account of A does not exist on B at all (another name) or has another password.
    const personA = personaAccounts(a)[1]
    expect((await sshpass(sshA.host, sshA.port, personA?.user ?? '', personA?.password ?? '')).outcome).toBe(
      'ok',
    )
    expect((await sshpass(sshB.host, sshB.port, personA?.user ?? '', personA?.password ?? '')).outcome).toBe(
      'refused',
    )
  })

  it('/etc/passwd lists exactly the accepted accounts and each has a home; an unknown user never gets in', async () => {
    const persona = webServer('1c'.repeat(16))
    const accounts = personaAccounts(persona)
    const ssh = await startWithPersona('ssh', persona)
    const person = accounts[1]
    const login = await sshpass(
      ssh.host,
      ssh.port,
      person?.user ?? '',
      person?.password ?? '',
      "grep -E ':/bin/(ba)?sh$' /etc/passwd | cut -d: -f1; echo --; ls /home",
    )
    expect(login.outcome).toBe('ok')
    const [shells, homes] = login.output.split('--\n')
    expect(shells?.trim().split('\n')).toEqual(accounts.map((account) => account.user))
    expect(homes?.trim().split(/\s+/).sort()).toEqual(
      accounts
        .slice(1)
        .map((a) => a.user)
        .sort(),
    )
    // `ubuntu` with a common password, where /etc/passwd has no ubuntu (the report).
    expect(
      await sshLogin({ host: ssh.host, port: ssh.port, username: 'ubuntu', password: 'admin' }),
    ).toBeNull()
  })

  it('an operator list replaces the persona accounts, and /etc/passwd follows it', async () => {
    const persona = webServer('2d'.repeat(16))
    const ssh = await startWithPersona('ssh', persona, {
      config: { login_policy: 'list', users: 'oracle:Tiger2024,pi:raspberry' },
    })
    const root = personaAccounts(persona)[0]
    expect(
      await sshLogin({ host: ssh.host, port: ssh.port, username: 'root', password: root?.password ?? '' }),
    ).toBeNull()
    const passwd = await sshLogin({
      host: ssh.host,
      port: ssh.port,
      username: 'pi',
      password: 'raspberry',
      command: "grep -E ':/bin/(ba)?sh$' /etc/passwd | cut -d: -f1",
    })
    expect(passwd?.trim().split('\n')).toEqual(['root', 'oracle', 'pi'])
    // An account without a password is locked in /etc/shadow (`!` before the hash), as `passwd -l` leaves it.
    const locked = await startWithPersona('ssh', persona, {
      config: { login_policy: 'list', password: 'r00t-Pw', user: 'svcacct' },
    })
    const shadow = await sshLogin({
      host: locked.host,
      port: locked.port,
      username: 'root',
      password: 'r00t-Pw',
      command: "grep -E '^(root|svcacct):' /etc/shadow | cut -d: -f1,2",
    })
    const marks = shadow
      ?.trim()
      .split('\n')
      .map((line) => line.replace(/^([^:]+):(!?).*$/, '$1:$2'))
    expect(marks).toEqual(['root:', 'svcacct:!'])
  })

  it('nth: a known user gets in on the 2nd password tried (then keeps it); an unknown user never', async () => {
    const persona = webServer('3e'.repeat(16))
    const ssh = await startWithPersona('ssh', persona, { config: { login_policy: 'nth', accept_attempt: 2 } })
    const at = { host: ssh.host, port: ssh.port }
    const tries = []
    for (const password of ['guess-1', 'guess-2']) {
      tries.push(await sshLogin({ ...at, username: 'root', password }))
    }
    expect(tries).toEqual([null, ''])
    expect(await sshLogin({ ...at, username: 'root', password: 'guess-2' })).toBe('')
    expect(await sshLogin({ ...at, username: 'root', password: 'guess-1' })).toBeNull()
    for (const password of ['a', 'b']) {
      expect(await sshLogin({ ...at, username: 'nosuchuser', password })).toBeNull()
    }
  })

  it('never: not even the persona password gets in', async () => {
    const persona = webServer('4f'.repeat(16))
    const ssh = await startWithPersona('ssh', persona, { config: { login_policy: 'never' } })
    const root = personaAccounts(persona)[0]
    expect((await sshpass(ssh.host, ssh.port, 'root', root?.password ?? '')).outcome).toBe('refused')
  })
})

describe('a refused password takes 2–3 s, an accepted one does not wait (real clients)', () => {
  it('ssh: sshpass + OpenSSH', async () => {
    const persona = webServer('5a'.repeat(16))
    const root = personaAccounts(persona)[0]
    const ssh = await startWithPersona('ssh', persona)
    const failed = [] as number[]
    const accepted = [] as number[]
    for (let round = 0; round < 2; round++) {
      const bad = await sshpass(ssh.host, ssh.port, 'root', 'not-the-password')
      expect(bad.outcome).toBe('refused')
      failed.push(bad.ms)
      const good = await sshpass(ssh.host, ssh.port, 'root', root?.password ?? '')
      expect(good.outcome).toBe('ok')
      accepted.push(good.ms)
    }
    // The server holds the refusal ≥ 2 s whatever the load; the same client's successful login
    // (same handshake, same command) is at least a second faster, and the hold stays near 3 s at most.
    for (let i = 0; i < 2; i++) {
      expect(failed[i]).toBeGreaterThanOrEqual(2000)
      expect(failed[i] as number).toBeGreaterThan((accepted[i] as number) + 1000)
      expect((failed[i] as number) - (accepted[i] as number)).toBeLessThan(4500)
    }
  }, 120_000)

  it('telnet: Debian telnet client, BusyBox login of an embedded device', async () => {
    const persona = derivePersona({
      seed: '6b'.repeat(16),
      osFamily: 'embedded',
      distro: 'debian',
      archetype: 'iot-device',
    })
    const accounts = personaAccounts(persona)
    expect(accounts.map((a) => a.user)).toEqual(['root', 'admin'])
    const telnet = await startWithPersona('telnet', persona)
    const client = telnetClient(telnet.host, telnet.port)
    try {
      await client.expect(new RegExp(`${persona.hostname} login: $`))
      client.send('root')
      await client.expect(/Password: $/)
      const sent = performance.now()
      client.send('wrong-password')
      // Typed ahead during the hold: it waits for the next prompt, as a terminal's input queue does.
      client.send('root')
      const refused = await client.expect(/\r\nLogin incorrect\r\n\S+ login: root\r\nPassword: $/)
      expect(refused - sent).toBeGreaterThanOrEqual(2000)
      expect(refused - sent).toBeLessThan(4500)
      const again = performance.now()
      client.send(accounts[0]?.password ?? '')
      const prompt = await client.expect(/# $/)
      expect(prompt - again).toBeLessThan(refused - sent)
      // BusyBox login goes straight to the shell: no util-linux "Last login" line.
      expect(client.output).toMatch(/Password: \r\n[^\r\n]*# $/)
      client.send('echo $USER:$HOME')
      await client.expect(/root:\/root/)
    } finally {
      client.close()
    }
  }, 60_000)
})
