import type { Persona } from '@decnet/core/schemas'
import { describe, expect, it } from 'vitest'
import { shellHost } from '../src/protocols-text/shell/persona.ts'
import { createShell } from '../src/protocols-text/shell/shell.ts'
import { alpinePersona, debianPersona, debianTwin, rockyPersona, ubuntuPersona } from './shell-personas.ts'

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0)

function shellOf(persona: Persona, user = 'root', clock = { ms: NOW }, jitter?: () => number) {
  const host = shellHost(persona, { bindAddress: '10.20.30.40', nowMs: NOW })
  return {
    host,
    clock,
    run: createShell(host, user, { now: () => clock.ms, ...(jitter ? { jitter } : {}) }).run,
    shell: createShell(host, user, { now: () => clock.ms, ...(jitter ? { jitter } : {}) }),
  }
}

const out = (shell: ReturnType<typeof shellOf>, line: string) => shell.run(line).output

describe('fake shell: what it shows comes from the persona', () => {
  const debian = debianPersona('0123456789abcdef0123456789abcdef')

  it('uname reports the persona kernel, build, arch and hostname', () => {
    // Tell: telnet's uname said Alpine while SNMP said Ubuntu x86_64 — every decky ran the same kernel story.
    const shell = shellOf(debian)
    expect(out(shell, 'uname -a')).toBe(
      'Linux web-prod-03 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22) x86_64 GNU/Linux\n',
    )
    expect(out(shell, 'uname -r')).toBe('6.1.0-28-amd64\n')
    expect(out(shell, 'uname -v')).toBe('#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)\n')
    expect(out(shell, 'uname -m')).toBe('x86_64\n')
    expect(out(shell, 'uname -n')).toBe('web-prod-03\n')
    expect(out(shell, 'uname -snrm')).toBe('Linux web-prod-03 6.1.0-28-amd64 x86_64\n')
    // Ubuntu and RHEL patch coreutils to print processor and platform; busybox prints "Linux".
    expect(out(shellOf(ubuntuPersona('1'.repeat(32))), 'uname -a')).toBe(
      'Linux db-01 5.15.0-91-generic #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 x86_64 x86_64 x86_64 GNU/Linux\n',
    )
    expect(out(shellOf(alpinePersona('2'.repeat(32))), 'uname -a')).toBe(
      'Linux gw-edge 6.6.14-0-lts #1-Alpine SMP PREEMPT_DYNAMIC Fri, 26 Jan 2024 11:08:53 +0000 x86_64 Linux\n',
    )
    expect(out(shell, 'cat /proc/version')).toMatch(
      /^Linux version 6\.1\.0-28-amd64 \(debian-kernel@lists\.debian\.org\) .* #1 SMP PREEMPT_DYNAMIC Debian 6\.1\.119-1 \(2024-11-22\)\n$/,
    )
  })

  it('identity files: hostname, domain in /etc/hosts, machine-id, os-release and issue per distro', () => {
    // Tell: /etc/hosts carried no domain and /etc/os-release was a 4-line stub shared by every "Ubuntu".
    const shell = shellOf(debian)
    expect(out(shell, 'hostname')).toBe('web-prod-03\n')
    expect(out(shell, 'hostname -f')).toBe('web-prod-03.acme.internal\n')
    expect(out(shell, 'cat /etc/hostname')).toBe('web-prod-03\n')
    expect(out(shell, 'cat /etc/hosts')).toContain('127.0.1.1\tweb-prod-03.acme.internal\tweb-prod-03\n')
    expect(out(shell, 'cat /etc/machine-id')).toBe(`${debian.machineId}\n`)
    expect(out(shell, 'cat /etc/resolv.conf')).toContain('search acme.internal\n')
    const osRelease = out(shell, 'cat /etc/os-release')
    expect(osRelease).toContain('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')
    expect(osRelease).toContain('VERSION_CODENAME=bookworm\nID=debian\n')
    expect(out(shell, 'cat /etc/issue')).toBe('Debian GNU/Linux 12 \\n \\l\n\n')
    // The point release is the one out when the running kernel (built 2024-11-22) was installed.
    expect(out(shell, 'cat /etc/debian_version')).toMatch(/^12\.(8|9)\n$/)

    const rocky = shellOf(rockyPersona('3'.repeat(32)))
    expect(out(rocky, 'cat /etc/os-release')).toContain(
      'ID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\n',
    )
    expect(out(rocky, 'cat /etc/redhat-release')).toBe('Rocky Linux 9.3 (Blue Onyx)\n')
    expect(out(rocky, 'cat /etc/issue')).toBe('\\S\nKernel \\r on an \\m\n\n')
    expect(out(rocky, 'cat /etc/hosts')).toContain('10.20.30.40\tmail02.acme.internal\tmail02\n')

    const alpine = shellOf(alpinePersona('2'.repeat(32)))
    expect(out(alpine, 'cat /etc/os-release')).toBe(
      'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\nHOME_URL="https://alpinelinux.org/"\nBUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"\n',
    )
    expect(out(alpine, 'cat /etc/alpine-release')).toBe('3.19.1\n')
    expect(out(alpine, 'hostname -f')).toBe('gw-edge\n')

    const ubuntu = out(shellOf(ubuntuPersona('1'.repeat(32))), 'cat /etc/os-release')
    expect(ubuntu).toMatch(
      /^PRETTY_NAME="Ubuntu 22\.04\.4 LTS"\nNAME="Ubuntu"\nVERSION_ID="22\.04"\nVERSION="22\.04\.4 LTS \(Jammy Jellyfish\)"\n/,
    )
  })

  it('cpuinfo: the persona CPU, cache and cores, with per-read cpufreq jitter on bare metal only', () => {
    // Tell: every decky showed one "cpu MHz : 2394.454" and one 36608 KB cache.
    const shell = shellOf(debian)
    const first = out(shell, 'cat /proc/cpuinfo')
    expect(first.match(/^processor\t: \d+$/gm)).toHaveLength(8)
    expect(first).toContain('model name\t: Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz\n')
    expect(first).toContain('cache size\t: 28160 KB\n')
    expect(first).toContain('vendor_id\t: GenuineIntel\n')
    const mhz = (text: string) => [...text.matchAll(/^cpu MHz\t\t: ([\d.]+)$/gm)].map((m) => Number(m[1]))
    for (const value of mhz(first)) expect(Math.abs(value - 2100.002)).toBeLessThan(2100 * 0.008)
    const second = out(shell, 'cat /proc/cpuinfo')
    expect(mhz(second)).not.toEqual(mhz(first))
    expect(out(shell, 'nproc')).toBe('8\n')
    expect(out(shell, 'lscpu')).toMatch(/^CPU\(s\): +8$/m)
    // A KVM guest's TSC clock does not wander; it is the persona's value at every read.
    const vm = shellOf(ubuntuPersona('1'.repeat(32)))
    const vmInfo = out(vm, 'cat /proc/cpuinfo')
    expect(vmInfo).toContain('model name\t: AMD EPYC 7302P 16-Core Processor\n')
    expect(vmInfo).toContain('hypervisor')
    const vmClock = new Set(mhz(vmInfo))
    expect(vmClock.size).toBe(1)
    expect(Math.abs(([...vmClock][0] ?? 0) - 2994.374)).toBeLessThan(2994.374 * 0.004)
    expect(out(vm, 'cat /proc/cpuinfo')).toBe(vmInfo)
  })

  it('meminfo and free agree with each other and with the persona memory', () => {
    // Tell: the same MemTotal/free figures on every decky; free's total disagreed with nothing to check.
    const shell = shellOf(debian, 'root', { ms: NOW }, () => 0.5)
    const meminfo = out(shell, 'cat /proc/meminfo')
    const field = (name: string) => Number(new RegExp(`^${name}: +(\\d+) kB$`, 'm').exec(meminfo)?.[1])
    expect(field('MemTotal')).toBe(16_303_452)
    const [total = 0, used = 0, free = 0, , buffCache = 0, available] = (
      /^Mem: +(.*)$/m.exec(out(shell, 'free'))?.[1] ?? ''
    )
      .split(/\s+/)
      .map(Number)
    expect(total).toBe(16_303_452)
    expect(free).toBe(field('MemFree'))
    expect(available).toBe(field('MemAvailable'))
    expect(buffCache).toBe(field('Buffers') + field('Cached') + field('SReclaimable'))
    expect(used + free + buffCache).toBe(total)
  })

  it('uptime, w and /proc/loadavg agree and move with time from the persona boot', () => {
    // Tell: "load average: 0.08, 0.03, 0.01" and "up N days" frozen on every decky.
    const clock = { ms: NOW }
    const shell = shellOf(debian, 'root', clock)
    const bootMs = debian.bootTime * 1000
    const days = Math.floor((NOW - bootMs) / 86_400_000)
    const line = out(shell, 'uptime')
    // 12:00 UTC is 13:00 in Berlin: local time, as the machine's own clock shows it.
    expect(line).toMatch(
      new RegExp(
        `^ 13:00:00 up ${days} days, [ \\d]\\d:\\d\\d,  1 user,  load average: \\d+\\.\\d\\d, \\d+\\.\\d\\d, \\d+\\.\\d\\d\\n$`,
      ),
    )
    const loads = (text: string) => /load average: ([\d.]+), ([\d.]+), ([\d.]+)/.exec(text)?.slice(1)
    const proc = out(shell, 'cat /proc/loadavg').split(' ').slice(0, 3)
    expect(loads(line)).toEqual(proc)
    expect(out(shell, 'w').split('\n')[0]).toBe(line.trimEnd())
    expect(Number(out(shell, 'cat /proc/uptime').split(' ')[0])).toBeCloseTo((NOW - bootMs) / 1000, 0)
    expect(out(shell, 'uptime -s')).toBe('2026-11-02 08:13:05\n')
    expect(out(shell, 'date')).toBe('Thu Dec  3 13:00:00 CET 2026\n')

    clock.ms = NOW + 3 * 3_600_000 + 17 * 60_000
    const later = out(shell, 'uptime')
    expect(later).not.toBe(line)
    expect(later).toMatch(/^ 16:17:00 up /)
    expect(loads(later)).not.toEqual(loads(line))
    expect(Number(out(shell, 'cat /proc/uptime').split(' ')[0])).toBeCloseTo((clock.ms - bootMs) / 1000, 0)
  })

  it('file dates follow the host timeline: installed after the release, kernel before boot, logs after it', () => {
    // Tell: every file of every decky dated "Mar 14 09:12".
    const shell = shellOf(debian)
    const lsDates = (path: string) =>
      out(shell, `ls -la ${path}`)
        .split('\n')
        .slice(1)
        .filter(Boolean)
        .map((row) => row.split(/\s+/).slice(5, 8).join(' '))
    const dates = new Set([...lsDates('/'), ...lsDates('/etc'), ...lsDates('/boot'), ...lsDates('/var/log')])
    expect(dates.size).toBeGreaterThan(6)
    expect(dates).not.toContain('Mar 14 09:12')
    // Installed after Debian 12's release (2023-06-10) and its kernel, built 2024-11-22, before the boot.
    expect(out(shell, 'ls -l /etc/passwd')).toMatch(
      / (Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d {2}2023 | \w{3} [ \d]\d {2}(2024|2025) |2026 /,
    )
    const kernelRow =
      out(shell, 'ls -l /boot')
        .split('\n')
        .find((row) => row.endsWith('vmlinuz-6.1.0-28-amd64')) ?? ''
    const kernelDate = /(\w{3}) +(\d+) +(\d{4}|\d\d:\d\d)/.exec(kernelRow)
    expect(kernelDate).not.toBeNull()
    expect(['2024', '2025', '2026']).toContain(kernelDate?.[3]?.includes(':') ? '2026' : kernelDate?.[3])
    // Logs are written after the boot (Nov 2): this month's dates with a time of day.
    expect(out(shell, 'ls -l /var/log/syslog')).toMatch(/ Dec {2}3 12:5\d \/var\/log\/syslog\n$/)
    expect(out(shell, 'ls -l /var/log/wtmp')).toMatch(/ (Nov|Dec) [ \d]\d \d\d:\d\d /)
  })

  it('.bash_history fits the distro and the services the persona runs', () => {
    // Tell: the same three-line .bash_history (apt update; apt upgrade -y; reboot) on every decky.
    const debianHistory = out(shellOf(debian), 'cat /root/.bash_history')
    expect(debianHistory.split('\n').length).toBeGreaterThan(6)
    expect(debianHistory).not.toMatch(/\b(dnf|yum|apk) /)
    // `history` shows the same saved lines, then this session's.
    const session = shellOf(debian)
    out(session, 'id')
    const history = out(session, 'history').split('\n').filter(Boolean)
    expect(history.slice(0, -2).map((row) => row.replace(/^ +\d+ {2}/, ''))).toEqual(
      debianHistory.trimEnd().split('\n'),
    )
    expect(history.at(-1)).toMatch(/^ +\d+ {2}history$/)
    const rockyHistory = out(shellOf(rockyPersona('3'.repeat(32))), 'cat /root/.bash_history')
    expect(rockyHistory).not.toMatch(/\bapt(-get)? /)
    const alpine = shellOf(alpinePersona('2'.repeat(32)))
    expect(out(alpine, 'cat /root/.ash_history')).not.toMatch(/\b(apt|dnf|yum|systemctl) /)
    // Across many personas, the pool is drawn from what each host runs.
    const many = Array.from({ length: 12 }, (_, i) =>
      out(shellOf(debianPersona(i.toString(16).padStart(32, '0'))), 'cat /root/.bash_history'),
    ).join('\n')
    expect(many).toMatch(/nginx/)
    expect(many).toMatch(/apt (update|install|upgrade|list|autoremove)/)
    expect(many).not.toMatch(/apache2|httpd|mysql|postfix/)
  })

  it('busybox output only on busybox personas; bash and the distro prompt elsewhere', () => {
    // Tell: an "Alpine" decky answered like bash with Debian paths, and Debian deckies like busybox.
    const alpine = shellOf(alpinePersona('2'.repeat(32)))
    expect(alpine.shell.prompt()).toBe('gw-edge:~# ')
    expect(out(alpine, 'xmrig')).toBe('-ash: xmrig: not found\n')
    expect(out(alpine, 'sudo id')).toBe('-ash: sudo: not found\n')
    expect(out(alpine, 'ps')).toMatch(/^PID {3}USER {5}TIME {2}COMMAND\n/)
    expect(out(alpine, 'uptime')).toMatch(
      /^ \d\d:\d\d:\d\d up \d+ days?, [ \d]\d:\d\d, {2}1 user, {2}load average: /,
    )
    expect(out(alpine, 'cat /etc/passwd')).toMatch(/^root:x:0:0:root:\/root:\/bin\/ash\n/)
    expect(out(alpine, 'lscpu')).toBe('-ash: lscpu: not found\n')

    const debianShell = shellOf(debian)
    expect(debianShell.shell.prompt()).toBe('root@web-prod-03:~# ')
    expect(out(debianShell, 'xmrig')).toBe('-bash: xmrig: command not found\n')
    expect(out(debianShell, 'ps aux').split('\n')[0]).toBe(
      'USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND',
    )
    // Processes started at the boot (Nov 2) show that date, not a fixed "Mar14".
    expect(out(debianShell, 'ps aux')).toContain(' Nov02 ')
    expect(shellOf(rockyPersona('3'.repeat(32))).shell.prompt()).toBe('[root@mail02 ~]# ')
    expect(out(debianShell, 'cat /etc/shadow')).toMatch(/^root:\$y\$j9T\$/)
    expect(out(shellOf(rockyPersona('3'.repeat(32))), 'cat /etc/shadow')).toMatch(/^root:\$6\$/)
  })

  it('keeps secrets from an unprivileged user and prompts with $', () => {
    const host = shellHost(debian, { bindAddress: '10.20.30.40', nowMs: NOW })
    const user = host.humanUsers[0] as string
    const shell = createShell(host, user, { now: () => NOW })
    expect(shell.run('cat /etc/shadow').output).toBe('cat: /etc/shadow: Permission denied\n')
    expect(shell.prompt()).toBe(`${user}@web-prod-03:~$ `)
    // A configured login user outside the persona's accounts gets the next uid, as in /etc/passwd.
    const other = createShell(host, 'ubuntu', { now: () => NOW })
    expect(other.run('id').output).toMatch(/^uid=1002\(ubuntu\) gid=1002\(ubuntu\) /)
    expect(other.run('cat /etc/passwd').output).toMatch(/^ubuntu:x:1002:1002:/m)
  })

  it('twins of one archetype differ in history, dates, machine-id, load and MHz', () => {
    // Tell: two deckies of one archetype showed identical history, file dates, load and CPU clock.
    const a = shellOf(debian, 'root', { ms: NOW }, () => 0.5)
    const b = shellOf(debianTwin(), 'root', { ms: NOW }, () => 0.5)
    for (const command of [
      'cat /root/.bash_history',
      'cat /etc/machine-id',
      'cat /proc/loadavg',
      'uptime',
      'ls -l /etc',
      'ls -l /boot',
      'ls -la /root',
      'cat /etc/shadow',
      'cat /root/.ssh/authorized_keys',
      'cat /etc/fstab',
      'cat /proc/meminfo',
    ]) {
      expect(out(a, command), command).not.toBe(out(b, command))
    }
    const mhz = (s: ReturnType<typeof shellOf>) =>
      /^cpu MHz\t\t: (.*)$/m.exec(out(s, 'cat /proc/cpuinfo'))?.[1]
    expect(mhz(a)).not.toBe(mhz(b))
    // What the distro makes identical stays identical: os-release, issue, the kernel's build banner.
    for (const command of ['cat /etc/os-release', 'cat /etc/issue', 'cat /proc/version', 'uname -rv'])
      expect(out(a, command), command).toBe(out(b, command))
  })
})
