// Distros give each decky a believable base image and hostname style.
import { pickOne, type RandomSource, randomInt } from '../random.ts'

export const DISTRO_SLUGS = [
  'debian',
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

export const HOSTNAME_WORDS = [
  'alpha',
  'bravo',
  'charlie',
  'delta',
  'echo',
  'foxtrot',
  'golf',
  'hotel',
  'india',
  'juliet',
  'kilo',
  'lima',
  'mike',
  'nova',
  'oscar',
  'prod',
  'web',
  'db',
  'mail',
  'proxy',
  'dev',
  'stage',
  'backup',
  'monitor',
  'files',
] as const

/** A hostname in the distro's style, e.g. `SRV-DELTA-77`, `proxy42.localdomain`, `kilo-31`, `nova-db`. */
export function randomHostname(distro: string, random: RandomSource): string {
  const style = getDistro(distro)?.hostnameStyle ?? 'generic'
  const word = pickOne(random, HOSTNAME_WORDS)
  const num = randomInt(random, 10, 99)
  switch (style) {
    case 'generic':
      return `SRV-${word.toUpperCase()}-${num}`
    case 'rhel':
      return `${word}${num}.localdomain`
    case 'minimal':
      return `${word}-${num}`
    case 'rolling':
      return `${word}-${pickOne(random, HOSTNAME_WORDS)}`
  }
}
