// OS fingerprint families: the default TCP/IP stack profile (tcp-stacks.ts) of a family's deckies,
// whose sysctls go on the base container, plus vendor OUIs for believable MACs.

import { tcpStackFor } from './tcp-stacks.ts'

export const OS_FAMILY_SLUGS = ['linux', 'windows', 'windows_server', 'bsd', 'embedded', 'cisco'] as const
export type OsFamilySlug = (typeof OS_FAMILY_SLUGS)[number]

export interface OsFamily {
  slug: OsFamilySlug
  name: string
  /** The default stack profile's sysctls; service containers share the base's network namespace. */
  sysctls: Readonly<Record<string, string>>
  /** Real, globally administered vendor OUIs (upper-case, colon-separated) typical for the family. */
  ouis: readonly string[]
}

export const OS_FAMILIES: readonly OsFamily[] = [
  {
    slug: 'linux',
    name: 'Linux',
    sysctls: tcpStackFor('linux').sysctls,
    // Dell, HPE, Supermicro, Intel server NICs.
    ouis: ['00:14:22', '3C:D9:2B', '00:25:90', '00:1B:21'],
  },
  {
    slug: 'windows',
    name: 'Windows',
    sysctls: tcpStackFor('windows').sysctls,
    // Dell and HP desktops, Intel onboard NICs.
    ouis: ['F8:BC:12', '00:14:22', '3C:D9:2B', '00:1B:21'],
  },
  {
    slug: 'windows_server',
    name: 'Windows Server',
    sysctls: tcpStackFor('windows_server').sysctls,
    // Hyper-V and VMware guests, Dell servers.
    ouis: ['00:15:5D', '00:50:56', '00:14:22'],
  },
  {
    slug: 'bsd',
    name: 'BSD',
    sysctls: tcpStackFor('bsd').sysctls,
    // Supermicro and Intel: typical pfSense/FreeBSD appliances.
    ouis: ['00:25:90', '00:1B:21'],
  },
  {
    slug: 'embedded',
    name: 'Embedded / IoT',
    sysctls: tcpStackFor('embedded').sysctls,
    // Raspberry Pi, Espressif, HP printers, Brother printers, Siemens automation.
    ouis: ['B8:27:EB', '24:0A:C4', '00:1E:0B', '00:80:77', '00:0E:8C'],
  },
  {
    slug: 'cisco',
    name: 'Cisco IOS',
    sysctls: tcpStackFor('cisco').sysctls,
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
