import { derivePersona } from '@decnet/core/persona'
import type { Persona } from '@decnet/core/schemas'
import { describe, expect, it } from 'vitest'
import { shellHost } from '../src/protocols-text/shell/persona.ts'
import { createShell } from '../src/protocols-text/shell/shell.ts'

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0)
const DISTROS = ['debian', 'ubuntu22', 'ubuntu20', 'rocky9', 'centos7', 'alpine', 'fedora', 'kali', 'arch']

function derived(
  seed: string,
  distro: string,
  archetype: 'web-server' | 'linux-server' = 'web-server',
): Persona {
  return derivePersona({ seed, osFamily: 'linux', distro, archetype, nowMs: NOW - 40 * 86_400_000 })
}

function run(persona: Persona, line: string, jitter?: () => number): string {
  const host = shellHost(persona, { bindAddress: '10.1.2.3', nowMs: NOW })
  return createShell(host, 'root', { now: () => NOW, ...(jitter ? { jitter } : {}) }).run(line).output
}

describe('fake shell over derived personas', () => {
  it.each(DISTROS)('%s: every identity the shell shows is the persona', (distro) => {
    // Tell: SNMP said Ubuntu x86_64 while telnet's uname said Alpine — the shell invented its own OS.
    const persona = derived('a1'.repeat(16), distro)
    expect(run(persona, 'uname -r')).toBe(`${persona.os.kernel}\n`)
    expect(run(persona, 'uname -v')).toBe(`${persona.os.kernelVersion}\n`)
    expect(run(persona, 'uname -m')).toBe(`${persona.os.arch}\n`)
    expect(run(persona, 'hostname')).toBe(`${persona.hostname}\n`)
    expect(run(persona, 'cat /etc/hostname')).toBe(`${persona.hostname}\n`)
    expect(run(persona, 'cat /etc/machine-id')).toBe(`${persona.machineId}\n`)
    const osRelease = run(persona, 'cat /etc/os-release')
    expect(osRelease).toContain(`PRETTY_NAME="${persona.os.name}"\n`)
    expect(osRelease).toMatch(new RegExp(`^ID="?${persona.os.id}"?$`, 'm'))
    if (persona.domain)
      expect(run(persona, 'cat /etc/hosts')).toContain(`${persona.hostname}.${persona.domain.dns}`)
    const cpuinfo = run(persona, 'cat /proc/cpuinfo')
    expect(cpuinfo).toContain(`model name\t: ${persona.hardware.cpuModel}\n`)
    expect(cpuinfo).toContain(`cache size\t: ${persona.hardware.cacheKb} KB\n`)
    expect(cpuinfo.match(/^processor\t: /gm)).toHaveLength(persona.hardware.cpuCores)
    expect(run(persona, 'cat /proc/meminfo')).toMatch(
      new RegExp(`^MemTotal: +${persona.hardware.memoryKb} kB$`, 'm'),
    )
    expect(run(persona, 'cat /proc/version')).toContain(`Linux version ${persona.os.kernel} `)
    // Busybox answers only where the distro ships it; the package manager in history is the distro's.
    const busybox = distro === 'alpine'
    expect(run(persona, 'nosuch')).toBe(
      busybox ? '-ash: nosuch: not found\n' : '-bash: nosuch: command not found\n',
    )
    const history = run(persona, `cat /root/.${busybox ? 'ash' : 'bash'}_history`)
    const manager =
      { alpine: 'apk', rocky9: 'dnf', fedora: 'dnf', centos7: 'yum', arch: 'pacman' }[distro] ?? 'apt'
    for (const other of ['apt', 'dnf', 'yum', 'apk', 'pacman'].filter((m) => m !== manager))
      expect(history).not.toMatch(new RegExp(`(^|sudo )${other} `, 'm'))
  })

  it('history tends only what the host does (its role), never every product the persona could run', () => {
    // Tell: a mail server whose history ran kubectl, docker compose, asterisk and mosquitto_sub.
    const histories = Array.from({ length: 16 }, (_, i) => {
      const persona = derivePersona({
        seed: i.toString(16).padStart(2, '0').repeat(16),
        osFamily: 'linux',
        distro: 'debian',
        archetype: 'mail-server',
        nowMs: NOW - 40 * 86_400_000,
      })
      return run(persona, 'cat /root/.bash_history')
    }).join('\n')
    expect(histories).not.toMatch(/kubectl|docker|asterisk|mosquitto|mysql|nginx|apache2|smbstatus/)
    expect(histories).toMatch(/postqueue|mailq|exim|postfix|doveadm/)
  })

  it('derived twins of one archetype differ in history, dates, machine-id, load and MHz', () => {
    // Tell: the same load average, CPU MHz, .bash_history and file dates on every decky.
    const a = derived('0f'.repeat(16), 'debian')
    const b = derived('f0'.repeat(16), 'debian')
    const fixed = () => 0.5
    for (const command of [
      'cat /root/.bash_history',
      'cat /etc/machine-id',
      'cat /proc/loadavg',
      'cat /proc/uptime',
      'ls -l /etc',
      'ls -la /root',
      'cat /etc/shadow',
    ])
      expect(run(a, command, fixed), command).not.toBe(run(b, command, fixed))
    const mhz = (p: Persona) => /^cpu MHz\t\t: (.*)$/m.exec(run(p, 'cat /proc/cpuinfo', fixed))?.[1]
    expect(mhz(a)).not.toBe(mhz(b))
  })

  it('an embedded persona (OpenWrt-style firmware) shows busybox, procd and its own board', () => {
    // Tell: an IoT gateway whose shell showed systemd, journalctl and a server's swap.
    const persona = derivePersona({
      seed: 'ab'.repeat(16),
      osFamily: 'embedded',
      distro: 'debian',
      archetype: 'iot-device',
    })
    expect(run(persona, 'uname -m')).toBe(`${persona.os.arch}\n`)
    expect(run(persona, 'uname -a')).toMatch(/ Linux\n$/)
    expect(run(persona, 'ps')).toMatch(/^ +1 root +0:00 \/sbin\/procd$/m)
    expect(run(persona, 'free')).toMatch(/^Swap: +0 +0 +0$/m)
    expect(run(persona, 'cat /root/.ash_history')).not.toMatch(/systemctl|journalctl|apt |dnf /)
    expect(run(persona, 'cat /proc/cpuinfo')).toContain(persona.hardware.cpuModel)
  })
})
