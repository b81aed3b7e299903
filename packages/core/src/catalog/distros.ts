// Distros a Linux decky may run (persona/linux-distros.ts holds what each one ships).

export const DISTRO_SLUGS = [
  'debian',
  'debian11',
  'ubuntu22',
  'ubuntu20',
  'rocky9',
  'centos7',
  'alpine',
  'fedora',
  'kali',
  'arch',
] as const
export type DistroSlug = (typeof DISTRO_SLUGS)[number]

export const HOSTNAME_STYLES = ['generic', 'rhel', 'minimal', 'rolling'] as const
export type HostnameStyle = (typeof HOSTNAME_STYLES)[number]

export interface Distro {
  slug: DistroSlug
  name: string
  /** Image the reference used for the base container; informational for the decoy engine. */
  image: string
  hostnameStyle: HostnameStyle
}

export const DISTROS: readonly Distro[] = [
  { slug: 'debian', name: 'Debian 12 (Bookworm)', image: 'debian:bookworm-slim', hostnameStyle: 'generic' },
  { slug: 'debian11', name: 'Debian 11 (Bullseye)', image: 'debian:bullseye-slim', hostnameStyle: 'generic' },
  { slug: 'ubuntu22', name: 'Ubuntu 22.04 LTS (Jammy)', image: 'ubuntu:22.04', hostnameStyle: 'generic' },
  { slug: 'ubuntu20', name: 'Ubuntu 20.04 LTS (Focal)', image: 'ubuntu:20.04', hostnameStyle: 'generic' },
  { slug: 'rocky9', name: 'Rocky Linux 9', image: 'rockylinux:9-minimal', hostnameStyle: 'rhel' },
  { slug: 'centos7', name: 'CentOS 7', image: 'centos:7', hostnameStyle: 'rhel' },
  { slug: 'alpine', name: 'Alpine Linux 3.19', image: 'alpine:3.19', hostnameStyle: 'minimal' },
  { slug: 'fedora', name: 'Fedora 39', image: 'fedora:39', hostnameStyle: 'rhel' },
  { slug: 'kali', name: 'Kali Linux (Rolling)', image: 'kalilinux/kali-rolling', hostnameStyle: 'rolling' },
  { slug: 'arch', name: 'Arch Linux', image: 'archlinux:latest', hostnameStyle: 'rolling' },
]

const DISTRO_BY_SLUG: ReadonlyMap<string, Distro> = new Map(DISTROS.map((d) => [d.slug, d]))

export function getDistro(slug: string): Distro | undefined {
  return DISTRO_BY_SLUG.get(slug)
}

export function isDistroSlug(value: string): value is DistroSlug {
  return DISTRO_BY_SLUG.has(value)
}
