// The reference's example INIs (decnet-fleet.md §1.4–§1.8), adapted to our stricter rules.
import { describe, expect, it } from 'vitest'
import { parseFleetIni } from '../src/index.ts'
import { expectDecnet, parseAndPlan } from './support/fixtures.ts'

const README_INI = `[general]
net        = 192.168.1.0/24
gw         = 192.168.1.1
interface  = eth0
log_target = 192.168.1.200:5140

[decky-01]
ip       = 192.168.1.110
services = ssh, http
nmap_os  = linux

[decky-01.ssh]
ssh_version    = OpenSSH_8.9p1 Ubuntu-3ubuntu0.6
kernel_version = 5.15.0-91-generic
users          = root:toor,admin:admin123

[decky-01.http]
server_header = nginx/1.18.0
fake_app      = wordpress

[corp-workstations]
archetype = windows-workstation
amount    = 10

[custom-myapp]
binary = my-image:latest
exec   = /usr/bin/myapp -p 9999
ports  = 9999
`

describe('§1.8 A: README config file', () => {
  it('verbatim, is rejected for the ignored log_target key (unknown keys are errors)', () => {
    expectDecnet(() => parseFleetIni(README_INI), 'invalid_ini', 'line 5, [general] log_target: unknown key')
  })

  it('without log_target, is rejected for the Python-style custom section (binary= is not an image)', () => {
    const ini = README_INI.replace(/^log_target.*$/m, '')
    expectDecnet(
      () => parseFleetIni(ini),
      'invalid_ini',
      '[custom-myapp] binary: custom services run an image',
    )
  })

  it('without those two, yields decky-01 plus corp-workstations-01..10 with coerced personas', () => {
    const ini = README_INI.replace(/^log_target.*$/m, '').replace(/\[custom-myapp\][\s\S]*$/, '')
    const { general, deckies } = parseFleetIni(ini)
    expect(general).toEqual({ subnet: '192.168.1.0/24', gateway: '192.168.1.1', interface: 'eth0' })
    expect(deckies.map((d) => d.name)).toEqual([
      'decky-01',
      ...Array.from({ length: 10 }, (_, i) => `corp-workstations-${String(i + 1).padStart(2, '0')}`),
    ])
    const first = deckies[0]
    expect(first).toMatchObject({ ip: '192.168.1.110', services: ['ssh', 'http'], osFamily: 'linux' })
    expect(first?.serviceConfig).toEqual({
      ssh: {
        ssh_version: 'OpenSSH_8.9p1 Ubuntu-3ubuntu0.6',
        kernel_version: '5.15.0-91-generic',
        users: 'root:toor,admin:admin123',
      },
      http: { server_header: 'nginx/1.18.0', fake_app: 'wordpress' },
    })
    for (const d of deckies.slice(1)) {
      expect(d).toMatchObject({
        archetype: 'windows-workstation',
        ip: null,
        services: null,
        serviceConfig: {},
      })
    }
    const plan = parseAndPlan(ini)
    expect(plan.create.find((d) => d.name === 'corp-workstations-01')).toMatchObject({
      services: ['smb', 'rdp'],
      osFamily: 'windows',
      ip: '192.168.1.2',
    })
  })
})

describe('§1.8 B: OS-fingerprint smoke fleet', () => {
  const ini = `[os-linux]
nmap_os=linux
services=ssh,http
amount=2

[os-windows]
nmap_os=windows
services=smb,rdp
amount=2

[os-bsd]
nmap_os=bsd
services=ssh,http
amount=2

[os-embedded]
nmap_os=embedded
services=snmp
amount=2

[os-cisco]
nmap_os=cisco
services=snmp
amount=2
`
  it('produces the 10 expected deckies with their OS families', () => {
    const plan = parseAndPlan(ini)
    expect(plan.create.map((d) => d.name)).toEqual([
      'os-linux-01',
      'os-linux-02',
      'os-windows-01',
      'os-windows-02',
      'os-bsd-01',
      'os-bsd-02',
      'os-embedded-01',
      'os-embedded-02',
      'os-cisco-01',
      'os-cisco-02',
    ])
    expect(plan.create.map((d) => d.osFamily)).toEqual(
      ['linux', 'windows', 'bsd', 'embedded', 'cisco'].flatMap((f) => [f, f]),
    )
  })
})

describe('§1.8 C: sub-section propagates to expanded deckies', () => {
  it('gives linux-hosts-01..03 the ssh kernel_version', () => {
    const ini = `[general]
net=10.0.0.0/24
gw=10.0.0.1

[linux-hosts]
archetype=linux-server
amount=3

[linux-hosts.ssh]
kernel_version=5.15.0-76-generic
`
    const plan = parseAndPlan(ini, { network: { subnet: '10.0.0.0/24', gateway: '10.0.0.1' } })
    expect(plan.create.map((d) => d.name)).toEqual(['linux-hosts-01', 'linux-hosts-02', 'linux-hosts-03'])
    for (const d of plan.create) expect(d.serviceConfig.ssh).toEqual({ kernel_version: '5.15.0-76-generic' })
    expect(plan.create.map((d) => d.ip)).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.4'])
  })
})

describe('§1.8 D: full heterogeneous fleet', () => {
  const ini = `[general]
net       = 192.168.1.0/24
gw        = 192.168.1.1
interface = wlp6s0

[windows-workstation]
archetype = windows-workstation
amount    = 10

[decky-webmail]
ip       = 192.168.1.110
services = http, smtp, imap, pop3
nmap_os  = linux

[decky-webmail.http]
server_header = Apache/2.4.54 (Debian)
response_code = 200
fake_app      = wordpress

[decky-winbox]
ip       = 192.168.1.114
services = rdp, smb, mssql
nmap_os  = windows

[decky-iot]
ip       = 192.168.1.117
services = mqtt, snmp, conpot
nmap_os  = embedded

[decky-legacy]
ip       = 192.168.1.119
services = telnet, vnc, ssh
nmap_os  = bsd
`
  it('plans 14 deckies, coercing response_code to a number and honouring explicit IPs', () => {
    const plan = parseAndPlan(ini)
    expect(plan.create).toHaveLength(14)
    expect(plan.network).toMatchObject({
      subnet: '192.168.1.0/24',
      gateway: '192.168.1.1',
      interface: 'wlp6s0',
    })
    const webmail = plan.create.find((d) => d.name === 'decky-webmail')
    expect(webmail?.serviceConfig.http).toEqual({
      server_header: 'Apache/2.4.54 (Debian)',
      response_code: 200,
      fake_app: 'wordpress',
    })
    expect(plan.create.filter((d) => d.name.startsWith('decky-')).map((d) => d.ip)).toEqual([
      '192.168.1.110',
      '192.168.1.114',
      '192.168.1.117',
      '192.168.1.119',
    ])
    // Auto IPs start at .2 (gateway .1 skipped) and never touch the host (.100) or explicit IPs.
    const auto = plan.create.slice(0, 10).map((d) => d.ip)
    expect(auto[0]).toBe('192.168.1.2')
    expect(auto).not.toContain('192.168.1.100')
  })
})

describe('§1.8 E: what the wizard submits', () => {
  it('decodes b64: textarea values and reads mutate_interval in minutes', () => {
    const ini = `[decky-04]
archetype=linux-server
mutate_interval=30

[decky-04.http]
server_header=nginx/1.18.0
custom_body=b64:PGgxPkl0IHdvcmtzPC9oMT4=
`
    const [decky] = parseFleetIni(ini).deckies
    expect(decky).toMatchObject({ name: 'decky-04', archetype: 'linux-server', mutateIntervalMinutes: 30 })
    expect(decky?.serviceConfig.http).toEqual({
      server_header: 'nginx/1.18.0',
      custom_body: '<h1>It works</h1>',
    })
  })
})

describe('§1.4 amount expansion and naming', () => {
  it('keeps the section name for amount=1 and pads -01.. for larger amounts, in file order', () => {
    const { deckies } = parseFleetIni(
      '[workers]\nservices=ssh\namount=3\n\n[printers]\narchetype=printer\namount=2\n',
    )
    expect(deckies.map((d) => d.name)).toEqual([
      'workers-01',
      'workers-02',
      'workers-03',
      'printers-01',
      'printers-02',
    ])
    expect(parseFleetIni('[solo]\nservices=ssh\namount=1').deckies.map((d) => d.name)).toEqual(['solo'])
  })

  it('names the 100th decky -100', () => {
    const { deckies } = parseFleetIni('[big]\nservices=ssh\namount=100\n')
    expect(deckies).toHaveLength(100)
    expect(deckies.at(-1)?.name).toBe('big-100')
  })

  it('every expanded decky shares services, archetype, OS and interval', () => {
    const { deckies } = parseFleetIni('[g]\nservices=ssh,http\nnmap_os=bsd\nmutate_interval=2h\namount=2\n')
    for (const d of deckies) {
      expect(d).toMatchObject({
        services: ['ssh', 'http'],
        osFamily: 'bsd',
        mutateIntervalMinutes: 120,
        ip: null,
      })
    }
  })

  it.each([
    ['0', 'amount must be a whole number from 1 to 100'],
    ['-1', 'amount must be a whole number from 1 to 100'],
    ['abc', "got 'abc'"],
    ['101', 'amount=101 exceeds the maximum of 100'],
  ])('amount=%s is rejected', (amount, fragment) => {
    expectDecnet(() => parseFleetIni(`[g]\nservices=ssh\namount=${amount}\n`), 'invalid_ini', fragment)
  })

  it('rejects ip= with amount>1', () => {
    expectDecnet(
      () => parseFleetIni('[g]\nip=192.168.1.5\namount=2\n'),
      'invalid_ini',
      'cannot combine ip= with amount=2',
    )
  })
})

describe('§1.5 sub-section resolution', () => {
  it('an exact decky name wins over group propagation, key by key, whatever the file order', () => {
    const ini = `[web]
services=ssh
amount=2

[web-01.ssh]
user=alice

[web.ssh]
user=bob
password=x
`
    const { deckies } = parseFleetIni(ini)
    expect(deckies[0]?.serviceConfig.ssh).toEqual({ user: 'alice', password: 'x' })
    expect(deckies[1]?.serviceConfig.ssh).toEqual({ user: 'bob', password: 'x' })
  })

  it('does not reach an unrelated decky that merely shares the prefix', () => {
    const ini = `[web]
services=http
amount=2

[web-frontend]
services=http

[web.http]
server_header=Apache
`
    const { deckies } = parseFleetIni(ini)
    expect(deckies.map((d) => [d.name, d.serviceConfig.http?.server_header])).toEqual([
      ['web-01', 'Apache'],
      ['web-02', 'Apache'],
      ['web-frontend', undefined],
    ])
  })

  it('a sub-section for a decky not in the INI is an error (typo), not silently ignored', () => {
    expectDecnet(
      () => parseFleetIni('[decky-01]\nservices=ssh\n\n[decky-1.ssh]\nuser=x\n'),
      'invalid_ini',
      "line 4, [decky-1.ssh]: no decky named 'decky-1' in this INI",
    )
  })

  it('a dotted section whose suffix is not a service is a (rejected) decky name', () => {
    expectDecnet(
      () => parseFleetIni('[decky.webmail]\nservices=ssh\n'),
      'invalid_ini',
      "'webmail' is not a known service",
    )
  })
})
