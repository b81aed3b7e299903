// The per-decky service catalogue: slug, listening ports and the persona config schema each
// emulator understands. Emulators, the engine, the wizard and the INI parser all read this list.
import { clip, DecnetError, quote } from '../errors.ts'
import { DEFAULT_ACCEPT_ATTEMPT, LOGIN_POLICIES, MAX_ACCEPT_ATTEMPT } from '../persona/accounts.ts'

export const SERVICE_SLUGS = [
  'ssh',
  'telnet',
  'http',
  'https',
  'ftp',
  'smb',
  'msrpc',
  'nbns',
  'rdp',
  'ldap',
  'llmnr',
  'dns',
  'smtp',
  'smtp_relay',
  'imap',
  'pop3',
  'mysql',
  'postgres',
  'mssql',
  'redis',
  'mongodb',
  'elasticsearch',
  'k8s',
  'docker_api',
  'mqtt',
  'snmp',
  'sip',
  'tftp',
  'vnc',
  'conpot',
] as const
export type ServiceSlug = (typeof SERVICE_SLUGS)[number]

export const PORT_PROTOCOLS = ['tcp', 'udp'] as const
export type PortProtocol = (typeof PORT_PROTOCOLS)[number]
export interface ServicePort {
  port: number
  protocol: PortProtocol
}

export const CONFIG_FIELD_TYPES = [
  'string',
  'password',
  'int',
  'bool',
  'textarea',
  'enum',
  'multi_enum',
] as const
export type ConfigFieldType = (typeof CONFIG_FIELD_TYPES)[number]
/** What a string field's text must be beyond one line: a Unix login name, or `user:password` pairs. */
export const CONFIG_FIELD_FORMATS = ['login-name', 'accounts'] as const
export type ConfigFieldFormat = (typeof CONFIG_FIELD_FORMATS)[number]
export type ConfigValue = string | number | boolean | string[]

export interface ConfigField {
  key: string
  label: string
  type: ConfigFieldType
  default?: ConfigValue
  /** Credentials and keys: the UI masks them and logs must not echo them. */
  secret?: boolean
  help?: string
  /** Allowed values for enum / multi_enum. */
  options?: string[]
  /** Inclusive bounds for int fields. */
  min?: number
  max?: number
  format?: ConfigFieldFormat
}

export interface ServiceDefinition {
  slug: ServiceSlug
  name: string
  description: string
  ports: ServicePort[]
  config: ConfigField[]
}

const tcp = (...ports: number[]): ServicePort[] => ports.map((port) => ({ port, protocol: 'tcp' }))
const udp = (...ports: number[]): ServicePort[] => ports.map((port) => ({ port, protocol: 'udp' }))

const banner = (help: string): ConfigField => ({ key: 'banner', label: 'Banner', type: 'string', help })
/**
 * Persona strings have no fixed default: left empty, each decky's persona supplies them (the product
 * and version its OS really ships), so no catalogue constant overrides the story. Config is the
 * operator's override; `example` only guides the operator.
 */
const PER_DECKY = "empty = the decky's persona"
const version = (example: string, help = 'Version string reported to clients'): ConfigField => ({
  key: 'version',
  label: 'Version',
  type: 'string',
  help: `${help}, e.g. ${example} (${PER_DECKY})`,
})

/**
 * ssh and telnet share the same login keys. Without them a decky accepts its persona's accounts
 * (different users and passwords on each decky, shown to admins in the deploy preview).
 */
const loginPersona = (prefix: string): ConfigField[] => [
  {
    key: 'login_policy',
    label: 'Login policy',
    type: 'enum',
    default: 'persona',
    options: [...LOGIN_POLICIES],
    help: "persona: the decky's accounts plus any set here; list: only the accounts set here; nth: also a known user's nth password tried; never: refuse all",
  },
  {
    key: 'password',
    label: 'Root password',
    type: 'password',
    secret: true,
    help: "empty = the decky's persona (see the preview)",
  },
  {
    key: 'user',
    label: 'User name',
    type: 'string',
    format: 'login-name',
    help: 'an extra account (locked without a user password)',
  },
  { key: 'user_password', label: 'User password', type: 'password', secret: true },
  {
    key: 'users',
    label: 'Extra accounts',
    type: 'string',
    format: 'accounts',
    secret: true,
    help: 'Comma-separated user:password pairs accepted by the fake shell',
  },
  {
    key: 'accept_attempt',
    label: 'Accept on attempt',
    type: 'int',
    min: 1,
    max: MAX_ACCEPT_ATTEMPT,
    help: `login_policy nth: the attempt per client and user that gets in (default ${DEFAULT_ACCEPT_ATTEMPT})`,
  },
  { key: 'hostname', label: 'Hostname', type: 'string', help: `${prefix} hostname shown in the prompt` },
]

const HTTP_FAKE_APPS = ['none', 'wordpress', 'phpmyadmin', 'tomcat', 'jenkins']

const httpPersona = (versions: string[]): ConfigField[] => [
  {
    key: 'server_header',
    label: 'Server header',
    type: 'string',
    help: `e.g. Apache/2.4.54 (Debian) (${PER_DECKY})`,
  },
  { key: 'response_code', label: 'Response code', type: 'int', default: 200, min: 100, max: 599 },
  { key: 'fake_app', label: 'Fake application', type: 'enum', default: 'none', options: HTTP_FAKE_APPS },
  {
    key: 'extra_headers',
    label: 'Extra headers',
    type: 'textarea',
    help: 'JSON object or "Name: value" lines added to every response',
  },
  { key: 'custom_body', label: 'Custom body', type: 'textarea', help: 'HTML served for unknown paths' },
  {
    key: 'http_versions',
    label: 'HTTP versions',
    type: 'multi_enum',
    default: ['http/1.1'],
    options: versions,
  },
]

export const SERVICES: readonly ServiceDefinition[] = [
  {
    slug: 'ssh',
    name: 'SSH',
    description: 'OpenSSH server capturing credentials, keys and shell commands',
    ports: tcp(22),
    config: [
      ...loginPersona('SSH'),
      {
        key: 'ssh_version',
        label: 'SSH version',
        type: 'string',
        help: `e.g. OpenSSH_8.9p1 Ubuntu-3ubuntu0.6 (${PER_DECKY}, fitting its distro)`,
      },
      {
        key: 'kernel_version',
        label: 'Kernel version',
        type: 'string',
        help: `e.g. 5.15.0-91-generic (${PER_DECKY})`,
      },
    ],
  },
  {
    slug: 'telnet',
    name: 'Telnet',
    description: 'Telnet login prompt and fake shell',
    ports: tcp(23),
    config: [...loginPersona('Telnet'), banner('Text shown before the login prompt')],
  },
  {
    slug: 'http',
    name: 'HTTP',
    description: 'Web server logging every request, with optional fake application skins',
    // Only 80: 443 belongs to the https service so both can run on one decky.
    ports: tcp(80),
    config: httpPersona(['http/1.1', 'http/2']),
  },
  {
    slug: 'https',
    name: 'HTTPS',
    description: 'HTTP behind TLS; self-signed certificate unless one is supplied',
    ports: tcp(443),
    config: [
      ...httpPersona(['http/1.1', 'http/2', 'http/3']),
      { key: 'tls_cn', label: 'Certificate CN', type: 'string' },
      { key: 'tls_cert', label: 'Certificate (PEM)', type: 'textarea' },
      { key: 'tls_key', label: 'Private key (PEM)', type: 'textarea', secret: true },
    ],
  },
  {
    slug: 'ftp',
    name: 'FTP',
    description: 'FTP server logging USER/PASS/RETR with a bait filesystem',
    ports: tcp(21),
    config: [banner('220 greeting text')],
  },
  {
    slug: 'smb',
    name: 'SMB',
    description: 'SMB2 negotiate and session setup capturing NTLMSSP hashes',
    ports: tcp(445, 139),
    config: [
      {
        key: 'workgroup',
        label: 'Workgroup',
        type: 'string',
        help: `domain or WORKGROUP for a stand-alone machine (${PER_DECKY})`,
      },
      { key: 'server_name', label: 'NetBIOS name', type: 'string' },
    ],
  },
  {
    slug: 'msrpc',
    name: 'MS-RPC endpoint mapper',
    description: 'DCE/RPC endpoint mapper: EPM bind and ept_lookup answered as Windows registers them',
    ports: tcp(135),
    config: [],
  },
  {
    slug: 'nbns',
    name: 'NetBIOS name service',
    description: "NetBIOS node status and name queries answered with the persona's names and MAC",
    ports: udp(137),
    config: [],
  },
  {
    slug: 'rdp',
    name: 'RDP',
    description: 'X.224 connection cookie capture, optional CredSSP/NLA NTLM capture',
    ports: tcp(3389),
    config: [{ key: 'nla', label: 'Require NLA', type: 'bool', default: false }],
  },
  {
    slug: 'ldap',
    name: 'LDAP',
    description: 'BER bind request parser logging DN and password',
    ports: tcp(389, 636),
    config: [
      { key: 'base_dn', label: 'Base DN', type: 'string', help: `e.g. dc=corp,dc=local (${PER_DECKY})` },
    ],
  },
  {
    slug: 'llmnr',
    name: 'LLMNR / mDNS',
    description: 'Poisoning detector: any LLMNR or mDNS query signals Responder-style activity',
    ports: udp(5355, 5353),
    config: [],
  },
  {
    slug: 'dns',
    name: 'DNS',
    description: 'BIND persona: authoritative, recursive or open resolver; detects tunnelling and AXFR',
    ports: [...udp(53), ...tcp(53)],
    config: [
      {
        key: 'zone_mode',
        label: 'Zone mode',
        type: 'enum',
        default: 'auth',
        options: ['auth', 'recursive', 'open'],
      },
      { key: 'domain', label: 'Domain', type: 'string' },
      version('9.18.28-1~deb12u2-Debian', 'Answer to version.bind queries'),
      { key: 'nsid', label: 'NSID', type: 'string' },
      { key: 'extra_records', label: 'Extra records', type: 'textarea', help: '"name TYPE value" lines' },
      { key: 'real_recursive', label: 'Forward queries upstream', type: 'bool', default: false },
      { key: 'upstream', label: 'Upstream resolver', type: 'string', default: '8.8.8.8:53' },
      { key: 'forward_budget', label: 'Forward budget', type: 'int', default: 50, min: 0, max: 100000 },
    ],
  },
  {
    slug: 'smtp',
    name: 'SMTP',
    description: 'ESMTP credential harvester: AUTH rejected, RCPT rejected',
    ports: tcp(25, 587),
    config: [
      banner('220 greeting text'),
      {
        key: 'mta',
        label: 'MTA persona',
        type: 'enum',
        options: ['postfix', 'exim', 'sendmail'],
        help: "empty = the persona's MTA (the distro's own, or Exchange on Windows)",
      },
    ],
  },
  {
    slug: 'smtp_relay',
    name: 'SMTP open relay',
    description: 'SMTP persona that looks like an open relay and accepts AUTH and RCPT',
    ports: tcp(25, 587),
    config: [
      banner('220 greeting text'),
      {
        key: 'mta',
        label: 'MTA persona',
        type: 'enum',
        options: ['postfix', 'exim', 'sendmail'],
        help: "empty = the persona's MTA (the distro's own, or Exchange on Windows)",
      },
      { key: 'upstream_host', label: 'Upstream host', type: 'string' },
      { key: 'upstream_port', label: 'Upstream port', type: 'int', default: 25, min: 1, max: 65535 },
      { key: 'upstream_user', label: 'Upstream user', type: 'string' },
      { key: 'upstream_pass', label: 'Upstream password', type: 'password', secret: true },
      { key: 'upstream_sender', label: 'Upstream sender', type: 'string' },
      { key: 'probe_limit', label: 'Probe forward limit', type: 'int', default: 1, min: 0, max: 1000 },
    ],
  },
  {
    slug: 'imap',
    name: 'IMAP',
    description: 'IMAP4rev1 with a Dovecot banner and a bait mailbox',
    ports: tcp(143, 993),
    config: [banner('* OK greeting text')],
  },
  {
    slug: 'pop3',
    name: 'POP3',
    description: 'POP3 with the same bait mailbox',
    ports: tcp(110, 995),
    config: [banner('+OK greeting text')],
  },
  {
    slug: 'mysql',
    name: 'MySQL',
    description: 'MySQL handshake capturing logins, answering Access Denied',
    ports: tcp(3306),
    config: [version('5.7.38-log')],
  },
  {
    slug: 'postgres',
    name: 'PostgreSQL',
    description: 'Startup message and MD5 challenge, logging the response hash',
    ports: tcp(5432),
    config: [version('14.9')],
  },
  {
    slug: 'mssql',
    name: 'MS SQL Server',
    description: 'TDS pre-login and login7, logging the user name',
    ports: tcp(1433),
    config: [version('15.0.2000.5')],
  },
  {
    slug: 'redis',
    name: 'Redis',
    description: 'RESP server with a fake keyspace',
    ports: tcp(6379),
    config: [
      version('6.2.7'),
      {
        key: 'os_string',
        label: 'OS string',
        type: 'string',
        help: `e.g. Linux 5.15.0-91-generic x86_64 (${PER_DECKY})`,
      },
      { key: 'password', label: 'requirepass', type: 'password', secret: true },
    ],
  },
  {
    slug: 'mongodb',
    name: 'MongoDB',
    description: 'Wire protocol hello/listDatabases with SASL auth capture',
    ports: tcp(27017),
    config: [version('6.0.5')],
  },
  {
    slug: 'elasticsearch',
    name: 'Elasticsearch',
    description: 'Elasticsearch 7.x HTTP API',
    ports: tcp(9200),
    config: [
      version('7.17.9'),
      { key: 'cluster_name', label: 'Cluster name', type: 'string', help: PER_DECKY },
    ],
  },
  {
    slug: 'k8s',
    name: 'Kubernetes API',
    description: 'Fake Kubernetes API server (plain HTTP)',
    ports: tcp(6443, 8080),
    config: [version('v1.27.3')],
  },
  {
    slug: 'docker_api',
    name: 'Docker API',
    description: 'Fake Docker Engine REST API',
    ports: tcp(2375, 2376),
    config: [version('20.10.24')],
  },
  {
    slug: 'mqtt',
    name: 'MQTT',
    description: 'MQTT CONNECT/PUBLISH logging with retained topics',
    ports: tcp(1883),
    config: [
      {
        key: 'require_auth',
        label: 'Require credentials',
        type: 'bool',
        default: false,
        help: 'refuse CONNECT with bad credentials instead of accepting every client',
      },
    ],
  },
  {
    slug: 'snmp',
    name: 'SNMP',
    description: 'SNMPv1/v2c GetRequest logging community strings and OIDs',
    ports: udp(161),
    config: [
      { key: 'community', label: 'Community', type: 'password', default: 'public', secret: true },
      { key: 'sys_descr', label: 'sysDescr', type: 'string', help: PER_DECKY },
      { key: 'sys_contact', label: 'sysContact', type: 'string' },
      { key: 'sys_location', label: 'sysLocation', type: 'string' },
    ],
  },
  {
    slug: 'sip',
    name: 'SIP',
    description: 'REGISTER/INVITE parser logging Authorization, answering 401',
    ports: [...udp(5060), ...tcp(5060)],
    config: [
      {
        key: 'user_agent',
        label: 'Server header',
        type: 'string',
        help: `e.g. Asterisk PBX 18.12.0 (${PER_DECKY})`,
      },
    ],
  },
  {
    slug: 'tftp',
    name: 'TFTP',
    description: 'RRQ/WRQ logging with an error response',
    ports: udp(69),
    config: [],
  },
  {
    slug: 'vnc',
    name: 'VNC',
    description: 'RFB 3.8 handshake capturing the DES challenge response',
    ports: tcp(5900),
    config: [],
  },
  {
    slug: 'conpot',
    name: 'Conpot (Modbus)',
    description: 'ICS/SCADA Modbus TCP persona',
    // Only Modbus: SNMP and HTTP are separate services, so an ICS decky can also run `snmp`.
    ports: tcp(502),
    config: [
      {
        key: 'template',
        label: 'Template',
        type: 'enum',
        default: 'default',
        options: ['default', 'guardian_ast', 'ipmi', 'kamstrup_382'],
      },
    ],
  },
]

const SERVICE_BY_SLUG: ReadonlyMap<string, ServiceDefinition> = new Map(SERVICES.map((s) => [s.slug, s]))

/** Credentials and keys: masked in the UI, never echoed, their defaults shown to admins only. */
export function isSecretConfigField(field: Pick<ConfigField, 'secret' | 'type'>): boolean {
  return field.secret === true || field.type === 'password'
}

/**
 * A setting as anyone signed in may read it: a secret's default is left out (a default password is a
 * live credential of every decky that keeps it) and `hiddenDefault` says that an admin can reveal one.
 */
export function publicConfigField(field: ConfigField): ConfigField & { hiddenDefault?: true } {
  if (!isSecretConfigField(field) || field.default === undefined) return { ...field }
  const { default: _hidden, ...rest } = field
  return { ...rest, hiddenDefault: true }
}

/** The default of one secret setting (`not_found` unless the setting is secret and has one). */
export function secretDefault(service: string, key: string): ConfigValue {
  const field = getService(service)?.config.find((candidate) => candidate.key === key)
  if (!field || !isSecretConfigField(field) || field.default === undefined) {
    throw new DecnetError('not_found', `${clip(service)} has no secret setting ${quote(key)} with a default`)
  }
  return field.default
}

export function getService(slug: string): ServiceDefinition | undefined {
  return SERVICE_BY_SLUG.get(slug)
}

export function isServiceSlug(value: string): value is ServiceSlug {
  return SERVICE_BY_SLUG.has(value)
}

/** First pair of named services (catalogue or custom) that listen on the same port/protocol, if any. */
export function findPortClash<Name extends string>(
  owned: ReadonlyArray<{ name: Name; ports: readonly ServicePort[] }>,
): { a: Name; b: Name; port: ServicePort } | undefined {
  const owner = new Map<string, Name>()
  for (const service of owned) {
    for (const port of service.ports) {
      const key = `${port.port}/${port.protocol}`
      const other = owner.get(key)
      if (other !== undefined && other !== service.name) return { a: other, b: service.name, port }
      owner.set(key, service.name)
    }
  }
  return undefined
}

/** First pair of services in `slugs` that listen on the same port/protocol, if any. */
export function findPortConflict(
  slugs: readonly string[],
): { a: ServiceSlug; b: ServiceSlug; port: ServicePort } | undefined {
  return findPortClash(
    slugs.flatMap((slug) => {
      const service = getService(slug)
      return service ? [{ name: service.slug, ports: service.ports }] : []
    }),
  )
}

const ALL_FAMILIES = ['linux', 'windows', 'windows_server', 'bsd', 'embedded', 'cisco'] as const
type FamilySlug = (typeof ALL_FAMILIES)[number]
const UNIX_SERVERS: readonly FamilySlug[] = ['linux', 'bsd']

/**
 * Which OS families can really run each service: a Linux box answering MSSQL or RDP, or a Windows
 * desktop answering an LDAP directory, is a tell. The persona gives each allowed pair a product; the
 * INI refuses the others.
 */
export const SERVICE_FAMILIES: Readonly<Record<ServiceSlug, readonly FamilySlug[]>> = {
  ssh: ALL_FAMILIES,
  telnet: ['linux', 'bsd', 'embedded', 'cisco'],
  http: ALL_FAMILIES,
  https: ALL_FAMILIES,
  ftp: ['linux', 'windows', 'windows_server', 'bsd', 'embedded'],
  smb: ['linux', 'windows', 'windows_server', 'bsd'],
  msrpc: ['windows', 'windows_server'],
  // Samba's nmbd answers NetBIOS name queries too.
  nbns: ['linux', 'windows', 'windows_server', 'bsd'],
  rdp: ['windows', 'windows_server'],
  ldap: ['linux', 'windows_server', 'bsd'],
  llmnr: ['windows', 'windows_server'],
  dns: ['linux', 'windows_server', 'bsd', 'embedded'],
  smtp: [...UNIX_SERVERS, 'windows_server'],
  smtp_relay: [...UNIX_SERVERS, 'windows_server'],
  imap: [...UNIX_SERVERS, 'windows_server'],
  pop3: [...UNIX_SERVERS, 'windows_server'],
  mysql: [...UNIX_SERVERS, 'windows_server'],
  postgres: [...UNIX_SERVERS, 'windows_server'],
  mssql: ['windows', 'windows_server'],
  redis: UNIX_SERVERS,
  mongodb: ['linux', 'windows_server'],
  elasticsearch: ['linux', 'windows_server'],
  k8s: ['linux'],
  docker_api: ['linux'],
  mqtt: ['linux', 'bsd', 'embedded'],
  snmp: ALL_FAMILIES,
  sip: ['linux', 'bsd', 'embedded'],
  tftp: ['linux', 'embedded', 'cisco'],
  vnc: ['linux', 'windows', 'windows_server', 'bsd', 'embedded'],
  conpot: ['embedded'],
}

export function serviceFitsFamily(service: string, family: string): boolean {
  const families = SERVICE_FAMILIES[service as ServiceSlug] as readonly string[] | undefined
  return families?.includes(family) ?? false
}

/** The catalogue services a family can run. */
export function servicesForFamily(family: string): ServiceSlug[] {
  return SERVICE_SLUGS.filter((slug) => serviceFitsFamily(slug, family))
}

/** The first family (Linux first, then Windows Server, Windows, embedded, BSD, Cisco) that runs every one of `services`. */
export function familyForServices(services: readonly string[]): FamilySlug | undefined {
  const order: readonly FamilySlug[] = ['linux', 'windows_server', 'windows', 'embedded', 'bsd', 'cisco']
  return order.find((family) => services.every((service) => serviceFitsFamily(service, family)))
}
