// Debian's OpenSSH client driven by sshpass: one password login as an attacker would make it, for
// every test that must see a decoy's SSH from the outside (lifecycle, e2e).

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
}

/** The `sshpass` argv: no host-key prompts, no keys, one password prompt. */
export function sshpassArgs(login: SshLogin): string[] {
  return [
    '-p',
    login.password,
    'ssh',
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
