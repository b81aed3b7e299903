import type { Persona } from '@decnet/core/schemas'
import type { SeededRandom } from '../../framework/random.ts'
import { packageManagerOf, type ShellHost } from './persona.ts'
import { hopHistory } from './topology-traces.ts'

/**
 * `.bash_history` of a login user, drawn from the persona's own stream: snippets of admin work that
 * fit the host's distro (package manager, service manager, log paths) and the services it runs,
 * in an order and with details (peers, paths, counts) no other decky shares.
 */
export function bashHistory(host: ShellHost, user: string): string {
  const random = host.random.fork(`history/${user}`)
  const pool = snippets(host, random, user === 'root')
  const count = random.int(8, 18)
  const chosen = random.sample(pool, count)
  // A pivot's admins hop on into its inner networks (its own stream: flat deckies' history is unchanged).
  const hopping = host.random.fork(`history/${user}/hops`)
  for (const hop of hopHistory(host, hopping)) chosen.splice(hopping.int(0, chosen.length), 0, hop)
  const lines = chosen.flat()
  // Most interactive sessions end with a logout typed by hand.
  if (random.next() < 0.6) lines.push('exit')
  return `${lines.join('\n')}\n`
}

type Snippet = string[]

/**
 * Which services the admin works on. The persona lists every product the host *could* run; the
 * role word an admin put in the host name (`stg-mail-10`, `db02`, `ci-runner-3`) says what it does,
 * so history never tends a service the host does not run. Login services are always there.
 */
const ROLE_SERVICES: [RegExp, string[]][] = [
  [/\b(web|www|nginx|apache|front|app|srv|svc|node|proxy|util|dev)\d*\b/, ['http']],
  [/\b(db|mysql|pgsql|sql|data)\d*\b/, ['mysql', 'postgres', 'redis']],
  [/\b(mail|mx|smtp|imap)\d*\b/, ['smtp', 'imap', 'pop3']],
  [/\b(files|nas|fs|storage|share)\d*\b/, ['smb', 'ftp']],
  [/\b(pbx|voip|sip|asterisk)\d*\b/, ['sip']],
  [/\b(mon|nagios|zabbix|monitor|grafana)\d*\b/, ['snmp']],
  [/\b(ci|build|docker|k8s|runner|jenkins)\d*\b/, ['docker_api', 'k8s']],
]

export function runningServices(host: ShellHost): string[] {
  const name = host.hostname.toLowerCase().replace(/[-_.]/g, ' ')
  const slugs = new Set(['ssh'])
  for (const [role, services] of ROLE_SERVICES)
    if (role.test(name)) for (const slug of services) slugs.add(slug)
  // A gateway appliance's own daemons (the iot-device archetype: MQTT broker, SNMP agent).
  if (host.persona.family === 'embedded') for (const slug of ['mqtt', 'snmp']) slugs.add(slug)
  return [...slugs]
}

function snippets(host: ShellHost, random: SeededRandom, root: boolean): Snippet[] {
  const { persona } = host
  const sudo = root ? '' : 'sudo '
  const pm = packageManagerOf(persona)
  const openrc = persona.os.id === 'alpine'
  // OpenWrt-style firmware: procd init scripts, no systemd.
  const initd = persona.family === 'embedded'
  const svc = (action: string, name: string) =>
    initd
      ? `/etc/init.d/${name} ${action}`
      : openrc
        ? `${sudo}rc-service ${name} ${action}`
        : `${sudo}systemctl ${action} ${name}`
  const logs =
    persona.os.id === 'debian' || persona.os.id === 'ubuntu' ? '/var/log/syslog' : '/var/log/messages'
  const subnet = host.ip.split('.').slice(0, 3).join('.')
  const peer = () => `${subnet}.${random.int(2, 250)}`
  const domain = persona.domain?.dns
  const pool: Snippet[] = [
    ['df -h'],
    ['free -m'],
    ['uptime'],
    ['top'],
    ['htop'],
    ['ls -la'],
    ['ip a'],
    ['ss -tlnp'],
    [`ps aux | grep -v grep | grep ${random.pick(['ssh', 'cron', 'java', 'python3', 'node'])}`],
    [`du -sh /var/* | sort -h | tail -${random.int(3, 10)}`],
    [`tail -n ${random.pick([50, 100, 200])} ${logs}`],
    [`grep -i error ${logs} | tail`],
    [`ping -c ${random.int(2, 5)} ${peer()}`],
    [`ssh ${random.pick(['admin', 'deploy', root ? 'root' : 'backup'])}@${peer()}`],
    [`scp backup-${random.int(1, 28)}.tar.gz ${peer()}:/srv/backup/`],
    [`crontab -${random.pick(['l', 'e'])}`],
    [`cd /var/log`, 'ls -lt | head'],
    ['history | tail'],
    [`${sudo}vi /etc/hosts`],
    [
      `${sudo}vim /etc/ssh/sshd_config`,
      svc(
        'restart',
        openrc ? 'sshd' : persona.os.id === 'debian' || persona.os.id === 'ubuntu' ? 'ssh' : 'sshd',
      ),
    ],
    ['date'],
    ['who'],
    ['last | head'],
    [`find / -name "*.conf" -mtime -${random.int(1, 14)} 2>/dev/null`],
    ...(domain ? [[`nslookup ${random.pick(['dc01', 'mail', 'files', 'intranet', 'git'])}.${domain}`]] : []),
    ...(initd
      ? [['logread | tail'], ['uci show network'], ['ubus call system board']]
      : openrc
        ? [['rc-status']]
        : [
            [`journalctl -xe`],
            [`journalctl -u ${random.pick(['cron', 'ssh', 'systemd-networkd'])} --since today`],
            ['systemctl --failed'],
          ]),
    ...packageSnippets(pm, sudo, random),
  ]
  for (const slug of runningServices(host)) {
    const service = persona.services[slug]
    if (service) pool.push(...serviceSnippets(slug, service.product, persona, sudo, svc, random))
  }
  return pool
}

function packageSnippets(
  pm: ReturnType<typeof packageManagerOf>,
  sudo: string,
  random: SeededRandom,
): Snippet[] {
  const tool = random.pick(['htop', 'tcpdump', 'net-tools', 'vim', 'curl', 'rsync', 'jq', 'tmux', 'iotop'])
  switch (pm) {
    case 'apt':
      return [
        [`${sudo}apt update`, `${sudo}apt upgrade -y`],
        [`${sudo}apt install -y ${tool}`],
        [`${sudo}apt list --upgradable`],
        [`dpkg -l | grep ${random.pick(['linux-image', 'openssl', 'ssh'])}`],
        [`${sudo}apt autoremove`],
      ]
    case 'dnf':
    case 'yum':
      return [
        [`${sudo}${pm} check-update`],
        [`${sudo}${pm} update -y`],
        [`${sudo}${pm} install -y ${tool === 'net-tools' ? 'net-tools' : tool}`],
        [`rpm -qa | grep ${random.pick(['kernel', 'openssl', 'openssh'])}`],
        [`${sudo}firewall-cmd --list-all`],
      ]
    case 'apk':
      return [['apk update', 'apk upgrade'], [`apk add ${tool}`], ['apk info | wc -l']]
    case 'pacman':
      return [[`${sudo}pacman -Syu`], [`${sudo}pacman -S ${tool}`]]
    case 'opkg':
      return [['opkg update'], ['opkg list-installed']]
  }
}

function serviceSnippets(
  slug: string,
  product: string,
  persona: Persona,
  sudo: string,
  svc: (action: string, name: string) => string,
  random: SeededRandom,
): Snippet[] {
  const rhel = !['debian', 'ubuntu', 'kali', 'alpine'].includes(persona.os.id)
  switch (product) {
    case 'apache': {
      const unit = rhel ? 'httpd' : 'apache2'
      const conf = rhel ? '/etc/httpd/conf.d/' : '/etc/apache2/sites-available/'
      return [
        [
          `${sudo}vim ${conf}${random.pick(['000-default.conf', 'intranet.conf', 'ssl.conf'])}`,
          rhel ? `${sudo}apachectl configtest` : `${sudo}apache2ctl configtest`,
          svc('reload', unit),
        ],
        [`tail -f /var/log/${unit}/${rhel ? 'error_log' : 'error.log'}`],
        [svc('status', unit)],
      ]
    }
    case 'nginx':
      return [
        [
          `${sudo}vim /etc/nginx/${rhel ? 'conf.d/default.conf' : 'sites-available/default'}`,
          `${sudo}nginx -t`,
          svc('reload', 'nginx'),
        ],
        ['tail -f /var/log/nginx/access.log'],
        [`${sudo}certbot renew --dry-run`],
      ]
    case 'mariadb':
    case 'mysql':
      return [
        ['mysql -u root -p'],
        [svc('status', product === 'mariadb' ? 'mariadb' : rhel ? 'mysqld' : 'mysql')],
        [`mysqldump -u root -p --all-databases > /root/db-$(date +%F).sql`],
      ]
    case 'postgresql':
      return [
        ['sudo -u postgres psql'],
        [`sudo -u postgres pg_dump ${random.pick(['app', 'inventory', 'crm'])} > dump.sql`],
      ]
    case 'redis':
      return [
        ['redis-cli ping'],
        ['redis-cli info memory'],
        [svc('restart', rhel ? 'redis' : 'redis-server')],
      ]
    case 'docker':
      return [
        ['docker ps'],
        ['docker ps -a'],
        ['docker images'],
        [`docker logs -f --tail 100 ${random.pick(['web', 'api', 'worker'])}`],
        ['docker compose up -d'],
      ]
    case 'kubernetes':
      return [
        ['kubectl get pods -A'],
        ['kubectl get nodes -o wide'],
        [`kubectl -n ${random.pick(['prod', 'default', 'monitoring'])} describe pod`],
      ]
    case 'postfix':
      return [
        ['postqueue -p'],
        ['mailq'],
        [`tail -f ${rhel ? '/var/log/maillog' : '/var/log/mail.log'}`],
        [`${sudo}postfix reload`],
      ]
    case 'exim':
      return [['exim -bp'], ['exim -bpc'], ['tail -f /var/log/exim4/mainlog']]
    case 'dovecot':
      return [['doveadm who'], [svc('restart', 'dovecot')]]
    case 'samba':
      return [['smbstatus'], ['testparm -s'], [svc('restart', rhel ? 'smb' : 'smbd')]]
    case 'vsftpd':
    case 'proftpd':
    case 'pure-ftpd':
      return [
        [svc('restart', product)],
        [
          `tail ${rhel ? '/var/log/xferlog' : `/var/log/${product === 'vsftpd' ? 'vsftpd.log' : `${product}/${product}.log`}`}`,
        ],
      ]
    case 'bind':
      return [
        [`${sudo}rndc reload`],
        [`named-checkconf`],
        [`dig @localhost ${persona.domain?.dns ?? 'localhost'}`],
      ]
    case 'net-snmp':
      return [['snmpwalk -v2c -c public localhost system']]
    case 'mosquitto':
      return [["mosquitto_sub -t '#' -v"]]
    case 'asterisk':
      return [['asterisk -rvvv'], ['asterisk -rx "sip show peers"']]
    case 'openssh':
      return slug === 'ssh' ? [[`${sudo}tail -n 50 ${rhel ? '/var/log/secure' : '/var/log/auth.log'}`]] : []
    default:
      return []
  }
}
