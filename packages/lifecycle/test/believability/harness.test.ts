// The believability suite's own judges, on known inputs: a verdict that cannot fail proves nothing, so
// each rule is shown catching the tell it exists for (and passing the real thing).
import { lastBootTime, type Persona } from '@decnet/core'
import { describe, expect, it } from 'vitest'
import { DEBIAN_12 } from '../../../decoys/test/debian-12.ts'
import { claimMismatch } from './support/consistency.ts'
import { osMismatch, serviceMismatches } from './support/expectations.ts'
import { type Fact, nmapFacts } from './support/facts.ts'
import { parseNmapXml } from './support/nmap.ts'
import { twinProblems } from './support/twins.ts'

const BOOT = Date.UTC(2026, 10, 1) / 1000

const persona = (over: Partial<Persona> = {}): Persona => ({
  version: 1,
  seed: '0123456789abcdef0123456789abcdef',
  ...DEBIAN_12,
  stack: 'linux-6',
  hostname: 'web01',
  domain: { netbios: 'ACME', dns: 'acme.local', joined: false },
  hardware: {
    vendor: 'Dell Inc.',
    model: 'PowerEdge R640',
    serial: 'ABC1234',
    cpuModel: 'Intel(R) Xeon(R) Silver 4214 CPU @ 2.20GHz',
    cpuMhz: 2200,
    cpuCores: 4,
    cacheKb: 16896,
    memoryKb: 16_000_000,
  },
  mac: '00:14:22:01:02:03',
  machineId: 'ffeeddccbbaa99887766554433221100',
  bootTime: BOOT,
  loadBase: 0.3,
  timezone: 'Europe/Berlin',
  services: {
    ssh: { product: 'openssh', version: '9.2p1', banner: 'OpenSSH_9.2p1 Debian-2+deb12u3', attrs: {} },
    smb: { product: 'samba', version: '4.17.12', banner: '4.17.12-Debian', attrs: {} },
  },
  ...over,
})

const XML = `<?xml version="1.0"?><nmaprun args="nmap -sV -O" version="7.93">
<host><status state="up"/><address addr="198.18.1.2" addrtype="ipv4"/>
<address addr="00:14:22:01:02:03" addrtype="mac" vendor="Dell"/>
<ports>
<port protocol="tcp" portid="22"><state state="open"/><service name="ssh" product="OpenSSH" version="9.2p1 Debian 2+deb12u3" extrainfo="protocol 2.0" ostype="Linux" method="probed" conf="10"/>
<script id="ssh-hostkey" output="&#xa;  256 aa:bb (ED25519)"/></port>
<port protocol="tcp" portid="143"><state state="open"/><service name="imap" method="probed" conf="10" servicefp="SF-Port143-TCP:V=7.93"/></port>
</ports>
<os><osmatch name="Linux 5.3 - 5.4" accuracy="96"><osclass type="general purpose" vendor="Linux" osfamily="Linux" osgen="5.X" accuracy="96"/></osmatch></os>
<hostscript><script id="smb2-time" output="&#xa;  date: 2026-12-03T13:08:42&#xa;  start_date: 2026-09-27T13:06:38"/></hostscript>
</host><runstats><finished elapsed="12.5"/></runstats></nmaprun>`

describe('nmap XML', () => {
  it('reads services, fingerprints, OS classes, MAC and scripts', () => {
    const scan = parseNmapXml(XML)
    const host = scan.hosts.get('198.18.1.2')
    expect(host?.mac).toBe('00:14:22:01:02:03')
    expect(host?.ports[0]?.service).toMatchObject({ product: 'OpenSSH', version: '9.2p1 Debian 2+deb12u3' })
    expect(host?.ports[0]?.scripts['ssh-hostkey']).toBe('\n  256 aa:bb (ED25519)')
    expect(host?.ports[1]?.service?.servicefp).toContain('SF-Port143')
    expect(host?.osMatches[0]?.classes[0]).toMatchObject({ vendor: 'Linux', osfamily: 'Linux' })
    expect(host?.hostScripts['smb2-time']).toContain('start_date')
    expect(scan.elapsedSeconds).toBe(12.5)
  })

  it('judges -sV lines against the persona', () => {
    const host = parseNmapXml(XML).hosts.get('198.18.1.2')
    const claimed = persona().services.ssh
    if (!claimed) throw new Error('fixture')
    expect(serviceMismatches('ssh', claimed, host?.ports[0]?.service)).toEqual([])
    expect(serviceMismatches('ssh', { ...claimed, version: '8.9p1' }, host?.ports[0]?.service)).toEqual([
      expect.stringContaining("version does not contain '8.9p1'"),
    ])
    const dovecot = { product: 'dovecot', version: '2.3.19', banner: 'Dovecot (Debian)', attrs: {} }
    expect(serviceMismatches('imap', dovecot, host?.ports[1]?.service).join('\n')).toMatch(
      /unrecognized service/,
    )
    // The Windows tell of issue 17: a Linux stack under a Windows persona.
    const windows = persona({
      nmapClass: { vendor: 'Microsoft', osFamily: 'Windows', deviceType: 'general purpose' },
    })
    expect(osMismatch(persona(), host?.osMatches ?? [])).toBeUndefined()
    expect(osMismatch(windows, host?.osMatches ?? [])).toMatch(
      /top guess "Linux 5.3 - 5.4".*wanted Microsoft Windows/,
    )
  })
})

describe('consistency judge', () => {
  const window = { startMs: Date.UTC(2026, 11, 3, 13, 0), endMs: Date.UTC(2026, 11, 3, 13, 3) }
  const fact = (claim: Fact['claim'], value: string, readAtMs?: number): Fact => ({
    service: 'x',
    field: 'f',
    value,
    ...(claim ? { claim } : {}),
    ...(readAtMs !== undefined ? { readAtMs } : {}),
  })
  /** A clock printed in local time (SMTP greeting, `date -R`). */
  const local = (value: string, readAtMs: number): Fact => ({
    ...fact('time', value, readAtMs),
    localTime: true,
  })

  it('accepts the persona’s own story', () => {
    const p = persona()
    expect(claimMismatch(p, fact('hostname', 'web01.acme.local'), window)).toBeUndefined()
    expect(claimMismatch(p, fact('kernel', 'Linux 6.1.0-28-amd64 x86_64'), window)).toBeUndefined()
    expect(claimMismatch(p, fact('os', 'os-release:debian 12'), window)).toBeUndefined()
    expect(claimMismatch(p, fact('domain', 'DC=acme,DC=local'), window)).toBeUndefined()
    expect(
      claimMismatch(p, local('Thu, 03 Dec 2026 14:01:00 +0100', window.startMs + 60_000), window),
    ).toBeUndefined()
    // NTLM/SMB/LDAP clocks are UTC by protocol: no zone to hold against the persona.
    expect(claimMismatch(p, fact('time', '2026-12-03T13:01:00+00:00'), window)).toBeUndefined()
    // A workgroup machine names itself as its NTLM domain.
    expect(claimMismatch(p, fact('domain', 'WEB01'), window)).toBeUndefined()
    const uptime = window.startMs / 1000 - lastBootTime(p, window.startMs)
    expect(claimMismatch(p, fact('boot', `uptime:${uptime}`), window)).toBeUndefined()
  })

  it('names each contradiction', () => {
    const p = persona()
    expect(claimMismatch(p, fact('hostname', 'SRV-WEB-15'), window)).toMatch(/persona hostname is 'web01'/)
    expect(claimMismatch(p, fact('hostname', 'web01.other.local'), window)).toMatch(
      /not in the persona domain/,
    )
    expect(claimMismatch(p, fact('kernel', '5.15.0-105-generic'), window)).toMatch(/persona kernel/)
    expect(claimMismatch(p, fact('os', 'os-release:alpine 3.19'), window)).toMatch(/persona is 'debian 12'/)
    expect(claimMismatch(p, fact('os', 'Windows'), window)).toMatch(/linux persona/)
    expect(claimMismatch(p, fact('build', 'Windows Version 6.3'), window)).toMatch(/Windows build/)
    // The tell: a Linux file server whose NTLM CHALLENGE carried a Windows Server build.
    const ntlm = (value: string): Fact => ({ service: 'smb', field: 'ntlm version', value, claim: 'build' })
    expect(claimMismatch(p, ntlm('10.0.14393'), window)).toMatch(/Samba announces 6.1.0/)
    expect(claimMismatch(p, ntlm('6.1.0'), window)).toBeUndefined()
    const server = persona({
      family: 'windows_server',
      os: {
        ...p.os,
        name: 'Windows Server 2019 Standard',
        windows: {
          major: 10,
          minor: 0,
          build: 17763,
          ubr: 6414,
          productName: 'Windows Server 2019 Standard',
          displayVersion: '1809',
          server: true,
          smbDialects: ['2.0.2', '2.1', '3.0', '3.0.2', '3.1.1'],
          tlsVersions: ['1.0', '1.1', '1.2'],
        },
      },
    })
    // The tell: AD answering with a 2012 R2 functional level (nmap: "Windows 2012 R2") on a 2019 build.
    expect(claimMismatch(server, fact('build', 'dcFunctionality:6'), window)).toMatch(/build 17763 .* has 7/)
    expect(claimMismatch(server, fact('build', 'dcFunctionality:7'), window)).toBeUndefined()
    expect(claimMismatch(server, fact('os', 'Windows 2012 R2'), window)).toMatch(
      /persona is Windows Server 2019/,
    )
    expect(claimMismatch(server, fact('build', 'dialects:SMBv1,2.0.2,2.1,3.0,3.0.2,3.1.1'), window)).toMatch(
      /offers SMBv1, off by default since build 16299/,
    )
    expect(claimMismatch(server, fact('build', 'dialects:2.0.2,2.1,3.0,3.0.2'), window)).toMatch(
      /build 17763 offers/,
    )
    // The SMTP greeting date frozen at service start, and a zone that is not the persona's.
    expect(
      claimMismatch(p, fact('time', 'Thu, 03 Dec 2026 13:55:00 +0100', window.startMs + 90_000), window),
    ).toMatch(/off the instant it was read/)
    expect(
      claimMismatch(p, local('Thu, 03 Dec 2026 13:00:30 +0000', window.startMs + 30_000), window),
    ).toMatch(/UTC offset 0 min, persona zone Europe\/Berlin is 60 min/)
    expect(claimMismatch(p, fact('boot', '2026-09-27T13:06:38'), window)).toMatch(/off the persona's/)
  })
})

describe('twins judge', () => {
  const side = (name: string, facts: Fact[]) => ({ name, persona: persona(), facts })
  const smb = (id: string): Fact[] => [
    { service: 'smb', field: 'negotiate ServerGuid', value: id },
    { service: 'smb', field: 'ntlm challenge', value: id },
    { service: 'smb', field: 'ntlm NbComputerName', value: `WS-${id}`, claim: 'hostname' },
    { service: 'smb', field: 'ntlm DnsComputerName', value: `ws-${id}.acme.local`, claim: 'hostname' },
  ]

  it('flags a randomised value the twins share, and one that was not read', () => {
    const problems = twinProblems(side('a', smb('11')), side('b', smb('11')))
    expect(problems).toContainEqual(expect.stringMatching(/negotiate ServerGuid: identical on both twins/))
    // ssh host keys are required where ssh runs: not reading them is a failure, not a pass.
    const ssh: Fact = { service: 'ssh', field: 'tcp/22 banner', value: 'SSH-2.0-OpenSSH_9.2p1' }
    expect(twinProblems(side('a', [ssh]), side('b', [ssh]))).toContainEqual(
      expect.stringMatching(/^ssh \/ssh-hostkey\$\/: not read on a/),
    )
  })

  it('passes twins that differ where real machines differ and share their version banners', () => {
    const banner: Fact = { service: 'smb', field: 'banner', value: 'same' }
    expect(twinProblems(side('a', [...smb('11'), banner]), side('b', [...smb('22'), banner]))).toEqual([])
  })

  it('reads nmap host facts with the owning service', () => {
    const host = parseNmapXml(XML).hosts.get('198.18.1.2')
    if (!host) throw new Error('fixture')
    const spec = {
      name: 'a',
      ip: '198.18.1.2',
      mac: '',
      hostname: 'a',
      osFamily: 'linux',
      sysctls: {},
      seed: 's',
      persona: persona(),
      services: [{ slug: 'ssh', ports: [{ port: 22, protocol: 'tcp' as const }], config: {} }],
    }
    const facts = nmapFacts(spec, host)
    expect(facts).toContainEqual({
      service: 'ssh',
      field: 'tcp/22 ssh-hostkey',
      value: '256 aa:bb (ED25519)',
    })
    expect(facts).toContainEqual({
      service: 'smb',
      field: 'smb2-time start_date',
      value: '2026-09-27T13:06:38',
      claim: 'boot',
    })
    expect(facts).toContainEqual({ service: 'host', field: 'mac', value: '00:14:22:01:02:03', claim: 'mac' })
  })
})
