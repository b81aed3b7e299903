// OS fingerprint families: the kernel sysctls applied to a decky's base container so its TCP/IP
// stack answers scanners like the OS it pretends to be, plus vendor OUIs for believable MACs.

export const OS_FAMILY_SLUGS = ['linux', 'windows', 'windows_server', 'bsd', 'embedded', 'cisco'] as const
export type OsFamilySlug = (typeof OS_FAMILY_SLUGS)[number]

export interface OsFamily {
  slug: OsFamilySlug
  name: string
  /** Applied to the base container only; service containers share its network namespace. */
  sysctls: Readonly<Record<string, string>>
  /** Real, globally administered vendor OUIs (upper-case, colon-separated) typical for the family. */
  ouis: readonly string[]
}

interface StackProfile {
  ttl: number
  synRetries: number
  timestamps: 0 | 1
  windowScaling: 0 | 1
  sack: 0 | 1
  ecn: 0 | 1 | 2
  noPmtuDisc: 0 | 1
  finTimeout: number
  icmpRatelimit: number
  icmpRatemask: number
}

function sysctls(p: StackProfile): Record<string, string> {
  return {
    'net.ipv4.ip_default_ttl': String(p.ttl),
    'net.ipv4.tcp_syn_retries': String(p.synRetries),
    'net.ipv4.tcp_timestamps': String(p.timestamps),
    'net.ipv4.tcp_window_scaling': String(p.windowScaling),
    'net.ipv4.tcp_sack': String(p.sack),
    'net.ipv4.tcp_ecn': String(p.ecn),
    'net.ipv4.ip_no_pmtu_disc': String(p.noPmtuDisc),
    'net.ipv4.tcp_fin_timeout': String(p.finTimeout),
    'net.ipv4.icmp_ratelimit': String(p.icmpRatelimit),
    'net.ipv4.icmp_ratemask': String(p.icmpRatemask),
  }
}

const EMBEDDED_STACK: StackProfile = {
  ttl: 255,
  synRetries: 3,
  timestamps: 0,
  windowScaling: 0,
  sack: 0,
  ecn: 0,
  noPmtuDisc: 1,
  finTimeout: 15,
  icmpRatelimit: 0,
  icmpRatemask: 0,
}

export const OS_FAMILIES: readonly OsFamily[] = [
  {
    slug: 'linux',
    name: 'Linux',
    sysctls: sysctls({
      ttl: 64,
      synRetries: 6,
      timestamps: 1,
      windowScaling: 1,
      sack: 1,
      ecn: 2,
      noPmtuDisc: 0,
      finTimeout: 60,
      icmpRatelimit: 1000,
      icmpRatemask: 6168,
    }),
    // Dell, HPE, Supermicro, Intel server NICs.
    ouis: ['00:14:22', '3C:D9:2B', '00:25:90', '00:1B:21'],
  },
  {
    slug: 'windows',
    name: 'Windows',
    sysctls: sysctls({
      ttl: 128,
      synRetries: 2,
      timestamps: 1,
      windowScaling: 1,
      sack: 1,
      ecn: 0,
      noPmtuDisc: 0,
      finTimeout: 30,
      icmpRatelimit: 0,
      icmpRatemask: 0,
    }),
    // Dell and HP desktops, Intel onboard NICs.
    ouis: ['F8:BC:12', '00:14:22', '3C:D9:2B', '00:1B:21'],
  },
  {
    slug: 'windows_server',
    name: 'Windows Server',
    sysctls: sysctls({
      ttl: 128,
      synRetries: 2,
      timestamps: 1,
      windowScaling: 1,
      sack: 1,
      ecn: 1,
      noPmtuDisc: 0,
      finTimeout: 30,
      icmpRatelimit: 0,
      icmpRatemask: 0,
    }),
    // Hyper-V and VMware guests, Dell servers.
    ouis: ['00:15:5D', '00:50:56', '00:14:22'],
  },
  {
    slug: 'bsd',
    name: 'BSD',
    sysctls: sysctls({
      ttl: 64,
      synRetries: 6,
      timestamps: 1,
      windowScaling: 1,
      sack: 1,
      ecn: 0,
      noPmtuDisc: 0,
      finTimeout: 60,
      icmpRatelimit: 250,
      icmpRatemask: 6168,
    }),
    // Supermicro and Intel: typical pfSense/FreeBSD appliances.
    ouis: ['00:25:90', '00:1B:21'],
  },
  {
    slug: 'embedded',
    name: 'Embedded / IoT',
    sysctls: sysctls(EMBEDDED_STACK),
    // Raspberry Pi, Espressif, HP printers, Brother printers, Siemens automation.
    ouis: ['B8:27:EB', '24:0A:C4', '00:1E:0B', '00:80:77', '00:0E:8C'],
  },
  {
    slug: 'cisco',
    name: 'Cisco IOS',
    sysctls: sysctls({ ...EMBEDDED_STACK, synRetries: 2 }),
    ouis: ['00:00:0C', '00:1B:54', '00:1A:A1'],
  },
]

const OS_FAMILY_BY_SLUG: ReadonlyMap<string, OsFamily> = new Map(OS_FAMILIES.map((f) => [f.slug, f]))

export function getOsFamily(slug: string): OsFamily | undefined {
  return OS_FAMILY_BY_SLUG.get(slug)
}

export function isOsFamilySlug(value: string): value is OsFamilySlug {
  return OS_FAMILY_BY_SLUG.has(value)
}

/** Sysctls for a family; unknown families fall back to linux as the reference does. */
export function sysctlsFor(slug: string): Readonly<Record<string, string>> {
  return (getOsFamily(slug) ?? (OS_FAMILY_BY_SLUG.get('linux') as OsFamily)).sysctls
}
