import { describe, expect, it } from 'vitest'
import { analyseEvent } from '../../src/intel/analyse.ts'
import { TOOL_RULES, TOOLS } from '../../src/intel/rules/tools.ts'
import type { IntelEvent } from '../../src/intel/types.ts'
import { event, httpRequest, shellCommand } from './events.ts'

const ua = (user_agent: string) =>
  httpRequest({ user_agent, headers: JSON.stringify({ 'user-agent': user_agent }) })
const sshAuth = (client_version: string, success = false) =>
  event('auth_attempt', 'ssh', {
    username: 'root',
    method: 'password',
    client_version,
    password: 'x',
    success,
  })
const telnetLogin = (username: string, password: string) =>
  event('auth_attempt', 'telnet', { username, password, success: false })

/** Per rule: events it must match and near-misses it must not. */
const CASES: Record<string, { match: IntelEvent[]; miss: IntelEvent[] }> = {
  'tool.nmap.nse-user-agent': {
    match: [ua('Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)')],
    miss: [ua('Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0'), httpRequest({ path: '/nmap' })],
  },
  'tool.nmap.probe-four-oh-four': {
    match: [httpRequest({ path: '/nice%20ports%2C/Tri%6Eity.txt%2ebak' })],
    miss: [httpRequest({ path: '/nice ports,/Trinity.txt.bak.old' }), httpRequest({ path: '/robots.txt' })],
  },
  'tool.nmap.lowercheck-path': {
    match: [httpRequest({ path: '/nmaplowercheck1796314319' })],
    miss: [httpRequest({ path: '/nmaplowercheck' }), httpRequest({ path: '/NMAPUPPERCHECK1796314319' })],
  },
  'tool.nmap.probe-get-request': {
    // As captured from nmap 7.93 -sV against the http emulator
    match: [httpRequest({ method: 'GET', path: '/', host: null, user_agent: null, headers: '{}' })],
    miss: [httpRequest({ method: 'GET', path: '/', headers: '{"host":"127.0.0.1"}' })],
  },
  'tool.nmap.probe-http-options': {
    match: [httpRequest({ method: 'OPTIONS', path: '/', headers: '{}' })],
    miss: [
      httpRequest({ method: 'OPTIONS', path: '/', headers: '{"host":"x"}' }),
      httpRequest({ method: 'GET', path: '/', headers: '{}' }),
    ],
  },
  'tool.nmap.probe-sip-options': {
    match: [httpRequest({ method: 'OPTIONS', path: 'sip:nm' })],
    miss: [httpRequest({ method: 'OPTIONS', path: 'sip:alice@example.com' })],
  },
  'tool.nmap.probe-sip-uri': {
    match: [
      event('request', 'sip', { method: 'OPTIONS', uri: 'sip:nm', from: '<sip:nm@nm>', transport: 'udp' }),
    ],
    miss: [event('request', 'sip', { method: 'OPTIONS', uri: 'sip:100@10.0.0.5', transport: 'udp' })],
  },
  'tool.nmap.ssh-nse': {
    match: [
      sshAuth('Nmap-SSH2-Hostkey'),
      event('ssh_client_kexinit', 'ssh', { client_version: 'SSH-2.0-Nmap-SSH2-Hostkey' }),
    ],
    miss: [sshAuth('OpenSSH_9.2p1 Debian-2+deb12u3')],
  },
  'tool.masscan.user-agent': {
    match: [ua('masscan/1.3 (https://github.com/robertdavidgraham/masscan)')],
    miss: [ua('Mozilla/5.0 (masscanner)')],
  },
  'tool.zgrab.user-agent': { match: [ua('Mozilla/5.0 zgrab/0.x')], miss: [ua('zgrabber')] },
  'tool.censys.user-agent': {
    match: [ua('Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)')],
    miss: [ua('Censys')],
  },
  'tool.nuclei.user-agent': {
    match: [ua('Nuclei - Open-source project (github.com/projectdiscovery/nuclei)')],
    miss: [ua('Mozilla/5.0 nucleic-acid-browser')],
  },
  'tool.nuclei.interactsh': {
    match: [httpRequest({ path: '/?url=http://cn1qk0b2vtc0000ekx70g8x1zyyyyyyyb.oast.fun' })],
    miss: [httpRequest({ path: '/?url=http://example.com/oast' })],
  },
  'tool.sipvicious.user-agent': {
    match: [
      event('request', 'sip', { method: 'OPTIONS', uri: 'sip:100@10.0.0.5', user_agent: 'friendly-scanner' }),
    ],
    miss: [
      event('request', 'sip', { method: 'OPTIONS', uri: 'sip:100@10.0.0.5', user_agent: 'Linphone/5.2' }),
    ],
  },
  'tool.nikto.user-agent': {
    match: [ua('Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000003)')],
    miss: [ua('Mozilla/5.0 nikon-camera')],
  },
  'tool.sqlmap.user-agent': {
    match: [ua('sqlmap/1.7.2#stable (https://sqlmap.org)')],
    miss: [ua('mysql-client/8.0')],
  },
  'tool.wpscan.user-agent': {
    match: [ua('WPScan v3.8.25 (https://wpscan.com/wordpress-security-scanner)')],
    miss: [ua('wp-cli')],
  },
  'tool.dirbuster.user-agent': {
    match: [
      ua('gobuster/3.6'),
      ua('Fuzz Faster U Fool v2.1.0-dev'),
      ua('DirBuster-1.0-RC1 (http://www.owasp.org)'),
    ],
    miss: [ua('Go-http-client/1.1')],
  },
  'tool.hydra.user-agent': {
    match: [ua('Mozilla/4.0 (Hydra)'), ua('Mozilla/5.0 (Hydra)')],
    miss: [ua('Mozilla/5.0 HydraBrowser')],
  },
  'tool.medusa.user-agent': {
    // As captured from medusa 2.2 -M http against the http emulator
    match: [ua('Mozilla/1.22 (compatible; MSIE 10.0; Windows 3.1)'), ua('I am Teh Forest Lobster')],
    miss: [ua('Medusa'), ua('Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)')],
  },
  'tool.medusa.ssh-client-version': {
    // As captured from medusa 2.2 -M ssh against the ssh emulator
    match: [sshAuth('SSH-2.0-MEDUSA_1.0')],
    miss: [sshAuth('SSH-2.0-OpenSSH_9.2')],
  },
  'tool.ncrack.user-agent': { match: [ua('Mozilla/5.0 (compatible; Ncrack)')], miss: [ua('nc')] },
  'tool.libssh.client-version': {
    // SSH-2.0-libssh_0.10.6 as captured from hydra 9.4 against the ssh emulator
    match: [sshAuth('SSH-2.0-libssh_0.10.6'), sshAuth('libssh-0.6.3')],
    miss: [sshAuth('libssh2_1.11.0'), sshAuth('OpenSSH_9.6')],
  },
  'tool.libssh2.client-version': { match: [sshAuth('libssh2_1.10.0')], miss: [sshAuth('libssh_0.10.6')] },
  'tool.mirai.telnet-credential': {
    match: [
      telnetLogin('root', 'xc3511'),
      telnetLogin('root', 'vizxv'),
      telnetLogin('admin', '7ujMko0admin'),
    ],
    miss: [
      telnetLogin('root', 'root'),
      telnetLogin('admin', 'admin'),
      event('auth_attempt', 'ssh', { username: 'root', password: 'xc3511' }),
    ],
  },
  'tool.mirai.busybox-tag': {
    match: [
      shellCommand('/bin/busybox MIRAI', 'telnet'),
      shellCommand('cat /proc/mounts; /bin/busybox ECCHI', 'telnet'),
    ],
    miss: [shellCommand('/bin/busybox ls', 'telnet'), shellCommand('busybox wget http://x/y', 'telnet')],
  },
  'tool.mirai.shell-escape': {
    match: [
      shellCommand('enable', 'telnet'),
      shellCommand('system', 'telnet'),
      shellCommand('linuxshell', 'telnet'),
    ],
    miss: [
      shellCommand('systemctl status', 'telnet'),
      shellCommand('enable', 'ssh'),
      shellCommand('sh', 'telnet'),
    ],
  },
  'tool.metasploit.user-agent': {
    match: [ua('Mozilla/5.0 (compatible; Metasploit RSPEC)')],
    miss: [ua('Mozilla/5.0 (meta)')],
  },
  'tool.metasploit.net-ssh': {
    match: [sshAuth('Ruby/Net::SSH_7.2.0 x86_64-linux')],
    miss: [sshAuth('Ruby')],
  },
  'tool.paramiko.client-version': { match: [sshAuth('paramiko_3.4.0')], miss: [sshAuth('param')] },
  'tool.go-ssh.client-version': { match: [sshAuth('Go')], miss: [sshAuth('Gopher_1')] },
  'tool.openssh.client-version': {
    match: [sshAuth('OpenSSH_9.2p1 Debian-2+deb12u3'), sshAuth('SSH-2.0-OpenSSH_8.9p1 Ubuntu-3')],
    miss: [
      sshAuth('dropbear_2022.83'),
      event('request', 'vnc', { kind: 'version', client_version: 'OpenSSH_9.2' }),
    ],
  },
  'tool.putty.client-version': { match: [sshAuth('PuTTY_Release_0.80')], miss: [sshAuth('OpenSSH_9.2')] },
  'tool.curl.user-agent': { match: [ua('curl/7.88.1')], miss: [ua('Mozilla/5.0 curl/7.88.1')] },
  'tool.wget.user-agent': { match: [ua('Wget/1.21.3')], miss: [ua('Mozilla/5.0 (compatible; Wgetter)')] },
  'tool.python-requests.user-agent': {
    match: [ua('python-requests/2.28.1')],
    miss: [ua('python-httpx/0.27')],
  },
  'tool.python-urllib.user-agent': {
    match: [ua('Python-urllib/3.11')],
    miss: [ua('python-requests/2.28.1')],
  },
  'tool.python-aiohttp.user-agent': { match: [ua('Python/3.11 aiohttp/3.9.1')], miss: [ua('Python/3.11')] },
  'tool.go-http.user-agent': {
    match: [ua('Go-http-client/1.1')],
    miss: [ua('Mozilla/5.0 Go-http-client/1.1')],
  },
  'tool.libwww-perl.user-agent': { match: [ua('libwww-perl/6.67')], miss: [ua('perl')] },
}

describe('tool rules', () => {
  it('every rule has positive and negative cases, and every tool it names is in the catalogue', () => {
    const ids = TOOL_RULES.map((rule) => rule.id)
    expect(Object.keys(CASES).sort()).toEqual([...ids].sort())
    const known = new Set(TOOLS.map((tool) => tool.id))
    for (const rule of TOOL_RULES) expect(known.has(rule.tool), rule.id).toBe(true)
  })

  for (const rule of TOOL_RULES) {
    it(`${rule.id} names ${rule.tool} on its cases and stays quiet on near misses`, () => {
      const cases = CASES[rule.id]
      expect(cases, `no cases for ${rule.id}`).toBeDefined()
      if (!cases) return
      for (const positive of cases.match) {
        const hit = analyseEvent(positive).tools.find((tool) => tool.ruleId === rule.id)
        expect(hit, JSON.stringify(positive.fields)).toMatchObject({ tool: rule.tool })
        expect(hit?.evidence.length).toBeGreaterThan(0)
      }
      for (const negative of cases.miss) {
        expect(
          analyseEvent(negative).tools.map((tool) => tool.ruleId),
          JSON.stringify(negative.fields),
        ).not.toContain(rule.id)
      }
    })
  }

  it('a probe payload counts as one, an ordinary request does not', () => {
    expect(analyseEvent(httpRequest({ headers: '{}' })).behaviour).toEqual({ requests: 1, probePayloads: 1 })
    expect(analyseEvent(ua('curl/8.5.0')).behaviour).toEqual({ requests: 1 })
  })

  it('the Mirai evidence never carries the password (evidence is shown where secrets are masked)', () => {
    const [hit] = analyseEvent(telnetLogin('root', 'xc3511')).tools
    expect(hit?.evidence).toContain('root')
    expect(hit?.evidence).not.toContain('xc3511')
  })

  it('evidence is capped and stripped of control characters', () => {
    const [hit] = analyseEvent(ua(`curl/8.0 ${'\u001b[31m'.repeat(5)}${'A'.repeat(5000)}`)).tools
    expect(hit?.evidence.length).toBeLessThanOrEqual(240)
    expect(hit?.evidence).not.toContain('\u001b')
  })
})
