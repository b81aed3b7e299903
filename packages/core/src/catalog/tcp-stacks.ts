// TCP/IP stack profiles: what a decky's network stack tells an OS scanner (nmap -O). Every decky
// runs on the host's Linux kernel; a profile sets per-namespace sysctls (TTL, timestamps, SACK,
// window scaling, ECN, receive buffer → window-scale factor) and, where sysctls cannot say it, names
// a program of the egress packet shaper (packages/decoys/shaper/tcp-stack.bpf.c: SYN-ACK window and
// option order, IP ID sequence, RST and ICMP details) plus a route window clamp (the window-scale
// factor the kernel then really uses). docs/tcp-stack.md explains the choice and its limits.

import type { OsFamilySlug } from './os-families.ts'

export const TCP_STACK_IDS = [
  'linux',
  'windows-10',
  'windows-server',
  'embedded-linux',
  'printer',
  'bsd',
  'cisco',
] as const
export type TcpStackId = (typeof TCP_STACK_IDS)[number]

/**
 * How nmap prints the OS class of its top guess (`Class vendor | family | gen | type` in nmap-os-db);
 * the persona's `NmapClass` (schemas/persona.ts) with the device type optional.
 */
export interface NmapOsClass {
  vendor: string
  osFamily: string
  /** nmap's device type, e.g. `general purpose`, `printer`; omitted when nmap's close guesses differ in it. */
  deviceType?: string
}

export interface TcpStackShaping {
  /** Section `classifier/<program>` of tcp-stack.bpf.o attached to the base's eth0 egress. */
  program: 'windows' | 'printer' | 'embedded'
  /** Section attached to eth0 ingress: `syn_fin_as_syn` answers nmap's SYN+FIN probe (T3) like a SYN. */
  ingressProgram?: 'syn_fin_as_syn'
  /**
   * Route window clamp (bytes) put on every route of the namespace: caps the receive window so the
   * kernel itself picks a small window-scale factor (2^scale × 65535 ≥ clamp).
   */
  routeWindowClamp?: number
}

export interface TcpStackProfile {
  id: TcpStackId
  family: OsFamilySlug
  name: string
  /** Per-network-namespace sysctls of the base container. */
  sysctls: Readonly<Record<string, string>>
  /** Undefined: the kernel's own packets already tell this story. */
  shaping?: TcpStackShaping
  /**
   * The class of nmap 7.93's top OS guess for a decky with this stack (checked on real Docker by
   * packages/lifecycle/test/docker-tcp-stack.test.ts); undefined when sysctls are all it gets.
   */
  nmapClass?: NmapOsClass
}

interface StackSysctls {
  ttl: number
  synRetries: number
  /** 2: timestamps on without a per-connection random offset (nmap reads a steady 1000 Hz clock; with
   *  the offset, every probe sees another clock and no fingerprint matches). */
  timestamps: 0 | 1 | 2
  windowScaling: 0 | 1
  sack: 0 | 1
  ecn: 0 | 1 | 2
  noPmtuDisc: 0 | 1
  finTimeout: number
  icmpRatelimit: number
  icmpRatemask: number
  /** Largest receive buffer: with window scaling, the scale the kernel offers is log2(max / 65535). */
  rmemMax: number
}

function sysctls(p: StackSysctls): Record<string, string> {
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
    'net.ipv4.tcp_rmem': `4096 131072 ${p.rmemMax}`,
  }
}

const LINUX: StackSysctls = {
  ttl: 64,
  synRetries: 6,
  timestamps: 2,
  windowScaling: 1,
  sack: 1,
  ecn: 2,
  noPmtuDisc: 0,
  finTimeout: 60,
  icmpRatelimit: 1000,
  icmpRatemask: 6168,
  // Debian/RHEL kernels up to 5.x: window scale 7. The host's 6.x default (32 MiB, scale 10) is in
  // no fingerprint of nmap 7.93, which then guesses nothing at all.
  rmemMax: 6291456,
}

const WINDOWS: StackSysctls = {
  ...LINUX,
  ttl: 128,
  synRetries: 2,
  ecn: 0,
  finTimeout: 30,
  icmpRatelimit: 0,
  icmpRatemask: 0,
  // Window scale 8, as Windows 8–11 and Server 2012–2022 offer.
  rmemMax: 8388608,
}

const EMBEDDED: StackSysctls = { ...LINUX, synRetries: 3, ecn: 0, finTimeout: 15 }

export const TCP_STACKS: readonly TcpStackProfile[] = [
  {
    // nmap-os-db "Linux 4.15 - 5.6": O1=M5B4ST11NW7, W1=FE88, TI=Z, TS=A — the kernel's own packets.
    id: 'linux',
    family: 'linux',
    name: 'Linux 4.15–5.x (Debian, Ubuntu, RHEL)',
    sysctls: sysctls(LINUX),
    nmapClass: { vendor: 'Linux', osFamily: 'Linux', deviceType: 'general purpose' },
  },
  {
    // nmap-os-db "Microsoft Windows 10" / "Windows 10 1607" (the majority shape of Windows 10/11 and
    // Server 2016–2022): W1–W6=2000, O1=M5B4NW8ST11, TI=I CI=I II=I SS=S, T4/T6 A=O, IE CD=Z, TTL 128.
    id: 'windows-10',
    family: 'windows',
    name: 'Windows 10/11',
    sysctls: sysctls(WINDOWS),
    shaping: { program: 'windows' },
    nmapClass: { vendor: 'Microsoft', osFamily: 'Windows', deviceType: 'general purpose' },
  },
  {
    // Same stack as Windows 10: nmap-os-db's Server 2016/2019 entries share its TCP shape; nmap
    // cannot tell them apart by TCP/IP alone (SMB and RDP tell the build).
    id: 'windows-server',
    family: 'windows_server',
    name: 'Windows Server 2016–2022',
    sysctls: sysctls(WINDOWS),
    shaping: { program: 'windows' },
    nmapClass: { vendor: 'Microsoft', osFamily: 'Windows', deviceType: 'general purpose' },
  },
  {
    // nmap-os-db Linux 2.6 routers/WAPs/cameras: O1=M5B4ST11NW1, W1=16A0, TS=A, TI=Z.
    id: 'embedded-linux',
    family: 'embedded',
    name: 'Embedded Linux 2.6 (BusyBox IoT/ICS)',
    sysctls: sysctls(EMBEDDED),
    shaping: { program: 'embedded', routeWindowClamp: 131071 },
    nmapClass: { vendor: 'Linux', osFamily: 'Linux' },
  },
  {
    // nmap-os-db "HP Designjet T1100ps or Z3100ps printer" (a Linux-based HP): O1=M5B4ST11NW2,
    // W1=16A0, ECN W=16D0, T3 answered with a SYN-ACK, T5–T7 and U1 with TTL 255.
    id: 'printer',
    family: 'embedded',
    name: 'HP printer (Linux-based)',
    sysctls: sysctls(EMBEDDED),
    shaping: { program: 'printer', ingressProgram: 'syn_fin_as_syn', routeWindowClamp: 262143 },
    nmapClass: { vendor: 'HP', osFamily: 'embedded', deviceType: 'printer' },
  },
  {
    // Sysctls only, as before the shaper: FreeBSD's option order (M,NW,S,T) is not emulated yet.
    id: 'bsd',
    family: 'bsd',
    name: 'FreeBSD (pfSense)',
    sysctls: sysctls({ ...LINUX, ecn: 0, icmpRatelimit: 250 }),
  },
  {
    // Sysctls only: IOS answers with TTL 255 and no TCP options.
    id: 'cisco',
    family: 'cisco',
    name: 'Cisco IOS',
    sysctls: sysctls({
      ...EMBEDDED,
      ttl: 255,
      synRetries: 2,
      timestamps: 0,
      windowScaling: 0,
      sack: 0,
      noPmtuDisc: 1,
      icmpRatelimit: 0,
      icmpRatemask: 0,
    }),
  },
]

const TCP_STACK_BY_ID: ReadonlyMap<string, TcpStackProfile> = new Map(TCP_STACKS.map((s) => [s.id, s]))

const DEFAULT_STACK: Readonly<Record<OsFamilySlug, TcpStackId>> = {
  linux: 'linux',
  windows: 'windows-10',
  windows_server: 'windows-server',
  bsd: 'bsd',
  embedded: 'embedded-linux',
  cisco: 'cisco',
}

export function isTcpStackId(value: string): value is TcpStackId {
  return TCP_STACK_BY_ID.has(value)
}

export function getTcpStack(id: string): TcpStackProfile | undefined {
  return TCP_STACK_BY_ID.get(id)
}

/** The stack a family's deckies get unless their persona names another; unknown families get linux. */
export function defaultTcpStackId(osFamily: string): TcpStackId {
  return DEFAULT_STACK[osFamily as OsFamilySlug] ?? 'linux'
}

/** The profile named by `stack`, else the family's default. Throws on an unknown id. */
export function tcpStackFor(osFamily: string, stack?: string): TcpStackProfile {
  const id = stack ?? defaultTcpStackId(osFamily)
  const profile = getTcpStack(id)
  if (!profile) throw new Error(`unknown TCP/IP stack profile '${id}' (known: ${TCP_STACK_IDS.join(', ')})`)
  return profile
}
