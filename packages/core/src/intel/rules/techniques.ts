// ATT&CK technique rules as data: which event (type, service, field pattern) shows which technique.
// Bump TECHNIQUE_RULES_VERSION with every change to a rule; findings are stored with their rule id.
import { commandNamed, type MatchRule } from './engine.ts'

export const TECHNIQUE_RULES_VERSION = '1.3.0'

export type TechniqueRule = MatchRule & { technique: string }

/** Shell commands: typed in an SSH/telnet shell or run by `ssh host cmd` (event `command`, field `cmd`). */
const SHELL = { eventTypes: ['command'], services: ['ssh', 'telnet'] } as const
const shell = (
  id: string,
  technique: string,
  pattern: RegExp,
  evidence = 'command: {cmd}',
): TechniqueRule => ({
  id,
  technique,
  ...SHELL,
  when: [{ field: 'cmd', matches: pattern }],
  evidence,
})

/** Miner binaries, pools and protocols: what a resource-hijacking payload names. */
const MINER =
  /\b(?:xmrig|xmr-stak|minerd|cpuminer|cgminer|bfgminer|ccminer|ethminer|nbminer|t-rex|lolminer|phoenixminer|kdevtmpfsi|kinsing|c3pool|supportxmr|nanopool|minexmr|moneroocean|hashvault|nicehash|2miners|f2pool|randomx|cryptonight)\b|stratum\+(?:tcp|ssl|tls):\/\/|--donate-level\b/i

export const TECHNIQUE_RULES: readonly TechniqueRule[] = [
  // Credential access
  {
    id: 'technique.brute-force.failed-login',
    technique: 'T1110.001',
    eventTypes: ['auth_attempt'],
    when: [{ field: 'success', equals: 'false' }],
    evidence: 'failed login as "{username}" on {service}',
  },
  {
    id: 'technique.valid-accounts.login',
    technique: 'T1078',
    eventTypes: ['auth_attempt'],
    when: [{ field: 'success', equals: 'true' }],
    evidence: 'successful login as "{username}" on {service}',
  },
  // Execution
  shell('technique.unix-shell.command', 'T1059.004', /\S/),
  // Ingress tool transfer: fetching a file from the network, or pushing one in
  shell(
    'technique.ingress.fetch-command',
    'T1105',
    /(?:^|[\s;&|(`]|\$\()(?:wget|curl|tftp|ftpget|fetch|lwp-download|aria2c|scp|sftp|rsync)\s+[^;&|\n]{0,200}?(?:[a-z][\w+.-]{0,15}:\/\/|\d{1,3}(?:\.\d{1,3}){3})|\/dev\/tcp\/|\bnc\b[^|;&]{0,200}>\s*\S|python\d?\s+-c\s+['"][^'"]{0,200}urllib/i,
  ),
  {
    id: 'technique.ingress.download',
    technique: 'T1105',
    eventTypes: ['download'],
    when: [{ field: 'url', matches: /\S/ }],
    evidence: 'downloaded {url}',
  },
  {
    id: 'technique.ingress.upload',
    technique: 'T1105',
    eventTypes: ['upload'],
    when: [{ field: 'bytes', matches: /^\d+$/ }],
    evidence: 'file pushed over {service}: {name}{path}',
  },
  // Persistence
  shell(
    'technique.cron.crontab',
    'T1053.003',
    /\bcrontab\b|\/etc\/cron|\/var\/spool\/cron|\/etc\/anacrontab/i,
  ),
  {
    // The decoy shell records every crontab it installs (crontab -, crontab FILE, >> /etc/crontab)
    id: 'technique.cron.cron-job',
    technique: 'T1053.003',
    eventTypes: ['cron_job'],
    when: [{ field: 'jobs', matches: /\S/ }],
    evidence: 'cron job installed ({via}): {jobs}',
  },
  {
    id: 'technique.cron.redis-dir',
    technique: 'T1053.003',
    eventTypes: ['command'],
    services: ['redis'],
    when: [
      { field: 'cmd', matches: /^config$/i },
      { field: 'args', matches: /\/var\/spool\/cron|\/etc\/cron/i },
    ],
    evidence: 'redis CONFIG pointing the dump into a cron directory: {args}',
  },
  shell('technique.ssh-keys.authorized-keys', 'T1098.004', /authorized_keys2?\b/i),
  {
    id: 'technique.ssh-keys.redis-dir',
    technique: 'T1098.004',
    eventTypes: ['command'],
    services: ['redis'],
    when: [
      { field: 'cmd', matches: /^config$/i },
      { field: 'args', matches: /\.ssh|authorized_keys/i },
    ],
    evidence: 'redis CONFIG pointing the dump at SSH keys: {args}',
  },
  shell('technique.account.create', 'T1136.001', commandNamed(['useradd', 'adduser'])),
  shell(
    'technique.systemd.service',
    'T1543.002',
    /\/(?:etc|lib|usr\/lib)\/systemd\/system\/|systemctl\s+(?:enable|daemon-reload)\b/i,
  ),
  // Discovery
  shell(
    'technique.discovery.system-info',
    'T1082',
    /(?:^|[\s;&|(`]|\$\()(?:uname|lscpu|nproc|hostnamectl|dmidecode|lsb_release|lshw|free|df|uptime|getconf)\b|\/proc\/(?:cpuinfo|meminfo|version)|\/etc\/(?:os-release|issue|[a-z]+-release)/i,
  ),
  shell(
    'technique.discovery.owner',
    'T1033',
    commandNamed(['whoami', 'id', 'w', 'who', 'last', 'users', 'logname']),
  ),
  shell('technique.discovery.local-accounts', 'T1087.001', /\/etc\/passwd\b|\bgetent\s+passwd|\blastlog\b/i),
  shell(
    'technique.discovery.network-config',
    'T1016',
    /(?:^|[\s;&|(`]|\$\()(?:ifconfig|iwconfig|arp|route|ip\s+(?:-\d\s+)?(?:a|addr|address|r|route|link|neigh)\b)|\/etc\/resolv\.conf|\/proc\/net\/(?:route|arp)/i,
  ),
  shell(
    'technique.discovery.network-services',
    'T1046',
    commandNamed(['nmap', 'masscan', 'zmap', 'rustscan', 'naabu']),
  ),
  shell(
    'technique.discovery.remote-systems',
    'T1018',
    /(?:^|[\s;&|(`]|\$\()(?:ping|fping|arping|nbtscan)\s+[^;&|\n]{0,80}\d{1,3}\.\d{1,3}\.\d{1,3}|\barp\s+-a\b|\bip\s+neigh|\/proc\/net\/arp|\/etc\/hosts\b/i,
  ),
  shell(
    'technique.lateral.ssh',
    'T1021.004',
    /(?:^|[;&|(`\n]|\$\()\s*(?:sshpass\s+[^;&|\n]{0,80}?)?ssh\s+(?:-\S+\s+(?:[^-\s]\S*\s+)?){0,20}[\w.-]+@[\w.-]+/i,
  ),
  shell('technique.sudo', 'T1548.003', /(?:^|[;&|(`\n]|\$\()\s*sudo\s+\S|\/etc\/sudoers\b/i),
  shell(
    'technique.interpreter.python',
    'T1059.006',
    /\bpython[\d.]*\s+(?:-\w*c\b|-\s*<<|-m\s+http\.server)/i,
  ),
  shell('technique.discovery.network-connections', 'T1049', commandNamed(['netstat', 'ss', 'lsof'])),
  shell('technique.discovery.process', 'T1057', commandNamed(['ps', 'top', 'htop', 'pgrep', 'pstree'])),
  shell('technique.discovery.files', 'T1083', commandNamed(['ls', 'find', 'locate', 'tree', 'dir'])),
  // Defense evasion
  shell(
    'technique.history.clear',
    'T1070.003',
    /\bhistory\s+-[cw]|unset\s+HISTFILE|HISTFILE=\/dev\/null|HISTSIZE=0|HISTFILESIZE=0|\b(?:rm|shred|truncate)\b[^;&|]{0,200}\.(?:bash|zsh|sh|ash)_history|>\s*~?\/?\S{0,200}\.(?:bash|zsh|sh|ash)_history|ln\s+-sf?\s+\/dev\/null\s+\S*_history/i,
  ),
  shell('technique.file-deletion', 'T1070.004', commandNamed(['rm', 'shred', 'unlink'])),
  shell('technique.permissions.chmod', 'T1222.002', commandNamed(['chmod', 'chattr', 'chown'])),
  shell(
    'technique.defenses.disable',
    'T1562.001',
    /\b(?:setenforce\s+0|ufw\s+disable|iptables\s+-F|systemctl\s+(?:stop|disable)\s+(?:firewalld|apparmor|auditd|aliyun|cloudmonitor|falco)|service\s+(?:firewalld|apparmor|auditd)\s+stop|pkill\s+-9?\s*(?:aliyun|AliYunDun|cloudmonitor))/i,
  ),
  shell(
    'technique.decode.base64',
    'T1140',
    /\bbase64\s+(?:-d|--decode)\b|\bxxd\s+-r\b|openssl\s+(?:enc\s+)?-d\b/i,
  ),
  // Credential access on the host
  shell(
    'technique.private-keys',
    'T1552.004',
    /\.ssh\/id_(?:rsa|dsa|ecdsa|ed25519)(?![.\w])|\.pem\b|\/etc\/ssh\/ssh_host_\w+_key\b/i,
  ),
  shell('technique.shadow', 'T1003.008', /\/etc\/shadow\b|\bunshadow\b/i),
  // Impact
  shell('technique.resource-hijacking.miner', 'T1496', MINER),
  {
    id: 'technique.resource-hijacking.miner-cron',
    technique: 'T1496',
    eventTypes: ['cron_job'],
    when: [{ field: 'jobs', matches: MINER }],
    evidence: 'cron job runs a miner: {match}',
  },
  {
    id: 'technique.resource-hijacking.miner-download',
    technique: 'T1496',
    eventTypes: ['download'],
    when: [{ field: 'url', matches: MINER }],
    evidence: 'downloaded a miner: {url}',
  },
  {
    id: 'technique.resource-hijacking.miner-file',
    technique: 'T1496',
    eventTypes: ['download', 'upload'],
    when: [{ field: 'filename', matches: MINER }],
    evidence: 'miner file {filename}',
  },
  // Exposed services abused from the network (Docker API, Redis)
  {
    id: 'technique.container.deploy',
    technique: 'T1610',
    eventTypes: ['request'],
    services: ['docker_api'],
    when: [{ field: 'action', equals: 'container_create' }],
    evidence: 'container created through the Docker API from image {image}: {cmd}',
  },
  {
    id: 'technique.container.escape-privileged',
    technique: 'T1611',
    eventTypes: ['request'],
    services: ['docker_api'],
    when: [
      { field: 'action', equals: 'container_create' },
      { field: 'privileged', equals: 'true' },
    ],
    evidence: 'privileged container requested through the Docker API (image {image})',
  },
  {
    id: 'technique.container.escape-host-mount',
    technique: 'T1611',
    eventTypes: ['request'],
    services: ['docker_api'],
    when: [
      { field: 'action', equals: 'container_create' },
      { field: 'binds', matches: /"\/(?:|etc|root|var\/run\/docker\.sock|proc|dev):/ },
    ],
    evidence: 'host path mounted into a container through the Docker API: {binds}',
  },
  {
    id: 'technique.ingress.redis-rogue-master',
    technique: 'T1105',
    eventTypes: ['command'],
    services: ['redis'],
    when: [
      { field: 'cmd', matches: /^(?:slaveof|replicaof)$/i },
      { field: 'args', matches: /\d|[a-z]\./i },
    ],
    evidence: 'redis told to replicate from a rogue master (module/file transfer): {cmd} {args}',
  },
  // Reconnaissance and initial access (network side)
  {
    id: 'technique.scanning.probe',
    technique: 'T1595',
    eventTypes: ['scan'],
    when: [{ field: 'reason', matches: /\S/ }],
    evidence: 'probe on {service}: {reason}',
  },
  {
    id: 'technique.scanning.scanner-user-agent',
    technique: 'T1595',
    eventTypes: ['request'],
    when: [
      {
        field: 'user_agent',
        matches: /Nmap Scripting Engine|\bmasscan\/|\bzgrab\/|CensysInspect\/|friendly-scanner/i,
      },
    ],
    evidence: 'scanner user agent "{user_agent}"',
  },
  {
    id: 'technique.scanning.vulnerability-scanner',
    technique: 'T1595.002',
    eventTypes: ['request'],
    when: [
      { field: 'user_agent', matches: /\bnuclei\b|\bNikto\b|\bsqlmap\/|\bWPScan\b|\bOpenVAS\b|\bNessus\b/i },
    ],
    evidence: 'vulnerability scanner user agent "{user_agent}"',
  },
  {
    id: 'technique.scanning.wordlist',
    technique: 'T1595.003',
    eventTypes: ['request'],
    when: [
      { field: 'user_agent', matches: /\b(?:gobuster|DirBuster|feroxbuster|dirb)\b|Fuzz Faster U Fool/i },
    ],
    evidence: 'wordlist scanner user agent "{user_agent}"',
  },
  {
    id: 'technique.exploit.http-payload',
    technique: 'T1190',
    eventTypes: ['request'],
    when: [
      {
        field: 'request_text',
        matches:
          /\$\{(?:jndi|\$\{[^}]{0,100}\}|lower|upper|env):|\(\)\s*\{\s*:;\s*\};|(?:\.\.[/\\]){2,}|\/etc\/passwd|(?:union(?:\s|\+|\/\*\*\/)+(?:all(?:\s|\+)+)?select|\bselect\b.{1,40}\bfrom\b.{1,40}\bwhere\b|\band\b\s+\d+=\d+|\bor\b\s+'?\d+'?='?\d+|\bsleep\(\d+\)|\bwaitfor\s+delay\b)|[;|`]\s*(?:wget|curl|sh|bash|busybox|nc|chmod)\s|\$\((?:wget|curl|sh|bash|id|cat)\b|%\{[^}]{0,200}(?:#_memberAccess|@java\.lang|#context)|<\?php|eval-stdin\.php|\/cgi-bin\/[^?;]{0,200};|\bclass\.module\.classLoader\b|\/\.\.;\//i,
      },
    ],
    evidence: 'exploit payload in HTTP request: {match}',
  },
]
