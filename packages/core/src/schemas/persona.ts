// The persona: everything a decky claims to be, derived once per decky and stored on its row, so
// every service of the decky tells the same story (OS, build, hostname, domain, hardware, time) and
// two deckies of the same archetype never share a value a real machine would randomise.
import { z } from 'zod'
import { ZOsFamilySlug } from './catalog.ts'
import { ZMac } from './common.ts'

/** What one service claims to run: the product an emulator imitates and the version it announces. */
export const ZServiceProduct = z.object({
  /**
   * Product id the emulator switches on (its replies, error texts and headers come from this
   * product): e.g. `openssh`, `apache`, `nginx`, `iis`, `postfix`, `exim`, `sendmail`, `exchange`,
   * `dovecot`, `vsftpd`, `proftpd`, `mariadb`, `mysql`, `postgresql`, `redis`, `bind`, `samba`,
   * `windows` (SMB/RDP/MSRPC of the Windows build), `active-directory`, `openldap`, `net-snmp`.
   */
  product: z.string().min(1).max(40),
  /** Upstream version, e.g. `9.2p1`, `2.4.62`, `10.11.6`. */
  version: z.string().min(1).max(60),
  /**
   * The exact version string the product announces on the wire, packaging suffix included:
   * SSH ident `OpenSSH_9.2p1 Debian-2+deb12u3`, Server header `Apache/2.4.62 (Debian)`,
   * MariaDB `10.11.6-MariaDB-0+deb12u1`, BIND `9.18.28-1~deb12u2-Debian`.
   */
  banner: z.string().min(1).max(200),
  /** Product-specific facts as strings (e.g. a Postfix `mail_name`, an IIS ASP.NET version). */
  attrs: z.record(z.string(), z.string().max(200)),
})
export type ServiceProduct = z.infer<typeof ZServiceProduct>

export const ZTlsVersion = z.enum(['1.0', '1.1', '1.2', '1.3'])
export type TlsVersion = z.infer<typeof ZTlsVersion>

/** A Windows build and what that build really negotiates. */
export const ZWindowsBuild = z.object({
  major: z.number().int(),
  minor: z.number().int(),
  build: z.number().int(),
  /** Update build revision (the `.5131` in 10.0.19045.5131). */
  ubr: z.number().int(),
  /** `Windows 10 Pro`, `Windows Server 2019 Standard`. */
  productName: z.string(),
  /** `22H2`, `1809`, `21H2`. */
  displayVersion: z.string(),
  server: z.boolean(),
  /** SMB2/3 dialects the build offers, ascending: `2.0.2`, `2.1`, `3.0`, `3.0.2`, `3.1.1`. */
  smbDialects: z.array(z.string()),
  /** TLS versions its SChannel enables by default (RDP, LDAPS, HTTPS), ascending. */
  tlsVersions: z.array(ZTlsVersion),
})
export type WindowsBuild = z.infer<typeof ZWindowsBuild>

/** How nmap is expected to classify the decky's TCP/IP stack (as nmap prints `OS CPE`/class lines). */
export const ZNmapClass = z.object({
  vendor: z.string(),
  osFamily: z.string(),
  /** Null where nmap's equally close guesses differ in it (an embedded Linux: router, WAP, webcam …). */
  deviceType: z.string().nullable(),
})
export type NmapClass = z.infer<typeof ZNmapClass>

export const ZPersonaOs = z.object({
  /** `Debian`, `Canonical`, `Rocky Enterprise Software Foundation`, `Microsoft`, `HP`, `Siemens`. */
  vendor: z.string(),
  /** os-release `PRETTY_NAME` or the Windows product name: `Debian GNU/Linux 12 (bookworm)`. */
  name: z.string(),
  /** os-release `ID` (`debian`, `ubuntu`, `rocky`, `alpine`), `windows`, or a device firmware id. */
  id: z.string(),
  /** os-release `VERSION_ID` (`12`, `22.04`), or the Windows `10.0.19045`, or a firmware version. */
  versionId: z.string(),
  codename: z.string().nullable(),
  /** `uname -r`: `6.1.0-28-amd64`; Windows: `10.0.19045.5131`. */
  kernel: z.string(),
  /** `uname -v`: `#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)`. */
  kernelVersion: z.string(),
  /** `uname -m`: `x86_64`, `aarch64`, `armv7l`, `mips`. */
  arch: z.string(),
  windows: ZWindowsBuild.nullable(),
})
export type PersonaOs = z.infer<typeof ZPersonaOs>

/** The network identity: one AD domain per fleet; Linux hosts use it as their DNS search domain. */
export const ZPersonaDomain = z.object({
  /** NetBIOS domain name, upper case, ≤ 15 characters: `ACME`. */
  netbios: z.string().min(1).max(15),
  /** DNS domain: `acme.local`, `corp.acme.com`. */
  dns: z.string().min(1).max(200),
  /** True when the machine is a member (Windows: joined to AD; otherwise a workgroup machine). */
  joined: z.boolean(),
})
export type PersonaDomain = z.infer<typeof ZPersonaDomain>

export const ZPersonaHardware = z.object({
  /** System vendor / model as DMI or SNMP would report them: `Dell Inc.` / `PowerEdge R640`. */
  vendor: z.string(),
  model: z.string(),
  serial: z.string(),
  cpuModel: z.string(),
  cpuMhz: z.number(),
  cpuCores: z.number().int().positive(),
  cacheKb: z.number().int().nonnegative(),
  memoryKb: z.number().int().positive(),
})
export type PersonaHardware = z.infer<typeof ZPersonaHardware>

export const PERSONA_VERSION = 1

export const ZPersona = z.object({
  version: z.literal(PERSONA_VERSION),
  /** 128-bit hex; every further per-purpose value (keys, serials, ids) is a keyed hash of it. Never shown. */
  seed: z.string().regex(/^[0-9a-f]{32}$/),
  family: ZOsFamilySlug,
  /** TCP/IP stack profile id (`packages/core/src/catalog/tcp-stacks.ts`) the base container is shaped to. */
  stack: z.string().min(1).max(40),
  nmapClass: ZNmapClass,
  os: ZPersonaOs,
  /** Short host name as the machine reports it (Windows: the NetBIOS computer name, upper case). */
  hostname: z.string().min(1).max(63),
  domain: ZPersonaDomain.nullable(),
  hardware: ZPersonaHardware,
  mac: ZMac,
  /** `/etc/machine-id` (Linux) or the machine GUID source (Windows), 32 hex. */
  machineId: z.string().regex(/^[0-9a-f]{32}$/),
  /** Boot time, epoch seconds: uptime, load, SMB/NTLM timestamps and SNMP sysUpTime follow from it. */
  bootTime: z.number().int().positive(),
  /** Typical 1-minute load; readings wander around it with time (see `loadAverage`). */
  loadBase: z.number().nonnegative(),
  /** IANA zone: `Europe/Berlin`, `America/Chicago`. */
  timezone: z.string(),
  /** Service slug → what that service claims to run. Covers every catalogue service the family can run. */
  services: z.record(z.string(), ZServiceProduct),
})
export type Persona = z.infer<typeof ZPersona>
