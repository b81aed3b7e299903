// Debian's OpenSSH client driven by sshpass: one password login as an attacker would make it, for
// every test that must see a decoy's SSH from the outside (decoys, lifecycle, api, e2e). It lives
// with the SSH emulator; the packages above import it from here.
import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'

export type SshLogin = {
  address: string
  password: string
  user?: string
  port?: number
  /** Command run after login (the decoy's shell answers it). */
  command?: string
  connectTimeoutSeconds?: number
  /** Authentication methods offered, in order; password only by default. */
  authentications?: string
  /** Local source address (e.g. another loopback address, to appear as a second attacker). */
  bindAddress?: string
  /** Force a pty (`-tt`), as a person at a terminal has; commands are then typed on stdin. */
  tty?: boolean
  /** Only errors on stderr (no "Warning: Permanently added …"). */
  quiet?: boolean
}

/** The `sshpass` argv: no host-key prompts, no keys, one password prompt. */
export function sshpassArgs(login: SshLogin): string[] {
  return [
    '-p',
    login.password,
    'ssh',
    ...(login.tty ? ['-tt'] : []),
    ...(login.quiet ? ['-o', 'LogLevel=ERROR'] : []),
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    `ConnectTimeout=${login.connectTimeoutSeconds ?? 15}`,
    '-o',
    `PreferredAuthentications=${login.authentications ?? 'password'}`,
    '-o',
    'PubkeyAuthentication=no',
    '-o',
    'NumberOfPasswordPrompts=1',
    ...(login.bindAddress ? ['-o', `BindAddress=${login.bindAddress}`] : []),
    ...(login.port ? ['-p', String(login.port)] : []),
    `${login.user ?? 'root'}@${login.address}`,
    ...(login.command ? [login.command] : []),
  ]
}

export type Typing = {
  /** Pause between keys; absent, each line is sent whole. */
  keyDelayMs?: number
  /** Pause after each line (default 400 ms). */
  pauseMs?: number
  /** How long the shell prompt may take (default 60 s). */
  promptTimeoutMs?: number
}

/** An interactive login with a pty, once it shows the root prompt; `shown()` is everything it printed. */
async function shellAtPrompt(login: SshLogin, promptTimeoutMs: number) {
  const child = spawn('sshpass', sshpassArgs({ ...login, tty: true, quiet: true }))
  let shown = ''
  child.stdout.on('data', (chunk: Buffer) => {
    shown += chunk.toString()
  })
  let exited = false
  const closed = new Promise((resolve) => child.once('close', resolve)).then(() => {
    exited = true
  })
  await until(
    () => shown.endsWith('# '),
    promptTimeoutMs,
    () => {
      child.kill()
      return `no shell prompt: ${JSON.stringify(shown)}`
    },
  )
  return { child, closed, shown: () => shown, exited: () => exited }
}

async function until(done: () => boolean, timeoutMs: number, failure: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!done()) {
    if (Date.now() > deadline) throw new Error(failure())
    await sleep(50)
  }
}

export type HeldShell = {
  /** Runs `id` and waits until the shell answers it (the typed text never contains the answer). */
  answers: (timeoutMs?: number) => Promise<void>
  /** Whether the client is still connected. */
  alive: () => boolean
  close: () => void
}

/** An interactive login kept open, to show that something leaves a live session connected. */
export async function holdShell(login: SshLogin, promptTimeoutMs = 60_000): Promise<HeldShell> {
  const shell = await shellAtPrompt(login, promptTimeoutMs)
  const answered = () => shell.shown().split('uid=0(root)').length - 1
  return {
    answers: async (timeoutMs = 20_000) => {
      const before = answered()
      shell.child.stdin.write('id\n')
      await until(
        () => answered() > before || shell.exited(),
        timeoutMs,
        () => `no answer to id: ${JSON.stringify(shell.shown().slice(-300))}`,
      )
      if (shell.exited()) throw new Error(`the session ended: ${JSON.stringify(shell.shown().slice(-300))}`)
    },
    alive: () => !shell.exited(),
    close: () => shell.child.kill(),
  }
}

/**
 * An interactive login with a pty: waits for the root prompt, types `lines` with pauses as a person at
 * a keyboard does, then `exit`; resolves when the client has closed.
 */
export async function typeOverSsh(
  login: SshLogin,
  lines: readonly string[],
  typing: Typing = {},
): Promise<void> {
  const { child, closed } = await shellAtPrompt(login, typing.promptTimeoutMs ?? 60_000)
  for (const line of lines) {
    if (typing.keyDelayMs === undefined) child.stdin.write(`${line}\n`)
    else {
      for (const key of `${line}\n`) {
        child.stdin.write(key)
        await sleep(typing.keyDelayMs)
      }
    }
    await sleep(typing.pauseMs ?? 400)
  }
  child.stdin.write('exit\n')
  await closed
}
