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

/**
 * An interactive login with a pty: waits for the root prompt, types `lines` with pauses as a person at
 * a keyboard does, then `exit`; resolves when the client has closed.
 */
export async function typeOverSsh(
  login: SshLogin,
  lines: readonly string[],
  typing: Typing = {},
): Promise<void> {
  const child = spawn('sshpass', sshpassArgs({ ...login, tty: true, quiet: true }))
  let shown = ''
  child.stdout.on('data', (chunk: Buffer) => {
    shown += chunk.toString()
  })
  const closed = new Promise((resolve) => child.once('close', resolve))
  const deadline = Date.now() + (typing.promptTimeoutMs ?? 60_000)
  while (!shown.endsWith('# ')) {
    if (Date.now() > deadline) {
      child.kill()
      throw new Error(`no shell prompt: ${JSON.stringify(shown)}`)
    }
    await sleep(50)
  }
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
