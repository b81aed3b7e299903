// Host names in each family's own style and the fleet's one AD domain.
import type { ArchetypeSlug } from '../catalog/archetypes.ts'
import type { DistroSlug } from '../catalog/distros.ts'
import { pickOne, type RandomSource, randomInt } from '../random.ts'
import type { PersonaDomain } from '../schemas/persona.ts'
import { draw } from './hardware.ts'
import { personaRandom, type Seeded } from './keyed.ts'

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const two = (n: number) => String(n).padStart(2, '0')

/** Windows setup's own names: `DESKTOP-` + 7 and `WIN-` + 11 random upper-case letters and digits. */
export const windowsDesktopName = (random: RandomSource) => `DESKTOP-${draw(random, UPPER_ALNUM, 7)}`
export const windowsServerName = (random: RandomSource) => `WIN-${draw(random, UPPER_ALNUM, 11)}`

/** Role words an administrator gives a Linux host of each archetype. */
const LINUX_ROLES: Readonly<Partial<Record<ArchetypeSlug, readonly string[]>>> = {
  'linux-server': ['app', 'srv', 'util', 'svc', 'node'],
  'web-server': ['web', 'www', 'nginx', 'apache', 'front'],
  'database-server': ['db', 'mysql', 'pgsql', 'sql', 'data'],
  'mail-server': ['mail', 'mx', 'smtp', 'imap'],
  'file-server': ['files', 'nas', 'fs', 'storage', 'share'],
  'voip-server': ['pbx', 'voip', 'sip', 'asterisk'],
  'monitoring-node': ['mon', 'nagios', 'zabbix', 'monitor', 'grafana'],
  'devops-host': ['ci', 'build', 'docker', 'k8s-node', 'runner', 'jenkins'],
  deaddeck: ['bastion', 'jump', 'gw', 'vpn', 'edge'],
}
const LINUX_DEFAULT_ROLES = ['app', 'srv', 'web', 'db', 'util', 'dev', 'backup', 'proxy']
const ENVIRONMENTS = ['prod', 'stg', 'dev', 'int', 'corp']

export function linuxHostname(
  distro: DistroSlug,
  archetype: ArchetypeSlug | null,
  random: RandomSource,
): string {
  if (distro === 'kali' && random() < 0.5) return 'kali'
  const role = pickOne(random, (archetype ? LINUX_ROLES[archetype] : undefined) ?? LINUX_DEFAULT_ROLES)
  const n = randomInt(random, 1, 12)
  switch (randomInt(random, 0, 3)) {
    case 0:
      return `${role}${two(n)}`
    case 1:
      return `${role}-${two(n)}`
    case 2:
      return `${pickOne(random, ENVIRONMENTS)}-${role}-${two(n)}`
    default:
      return `${role}${n}`
  }
}

/** Role names admins give Windows servers (`FS01`, `SQL02`), or setup's `WIN-…` when nobody renamed it. */
export function windowsServerHostname(
  archetype: ArchetypeSlug | null,
  services: readonly string[],
  random: RandomSource,
): string {
  const n = two(randomInt(random, 1, 4))
  if (archetype === 'domain-controller') return `DC${n}`
  if (random() < 0.3) return windowsServerName(random)
  if (services.includes('mssql')) return `SQL${n}`
  if (services.includes('smtp') || services.includes('imap')) return `EXCH${n}`
  if (services.includes('http') || services.includes('https'))
    return `${pickOne(random, ['WEB', 'IIS', 'APP'])}${n}`
  return `${pickOne(random, ['FS', 'APP', 'SRV', 'FILE', 'PRINT', 'RDS'])}${n}`
}

const ORG_HEADS = [
  'bel',
  'cor',
  'dal',
  'ever',
  'fair',
  'gran',
  'hal',
  'kes',
  'lan',
  'mar',
  'nor',
  'ost',
  'pen',
  'riv',
  'sol',
  'tal',
  'val',
  'wes',
]
const ORG_TAILS = [
  'tech',
  'gate',
  'field',
  'line',
  'ridge',
  'core',
  'mark',
  'wood',
  'ton',
  'lex',
  'vale',
  'stone',
  'bridge',
  'more',
]

/** A believable company AD domain (`KESRIDGE` / `kesridge.local`), drawn from a seed. */
export function deriveDomain(seeded: Seeded): PersonaDomain {
  const random = personaRandom(seeded, 'domain')
  const org = `${pickOne(random, ORG_HEADS)}${pickOne(random, ORG_TAILS)}`
  const dns = pickOne(random, [
    `${org}.local`,
    `corp.${org}.com`,
    `${org}.lan`,
    `ad.${org}.com`,
    `${org}.internal`,
  ])
  return { netbios: org.toUpperCase().slice(0, 15), dns, joined: true }
}

/** Zones a company's machines are set to; the whole fleet shares one (picked from its domain). */
export const FLEET_TIMEZONES = [
  'Europe/Berlin',
  'Europe/London',
  'Europe/Paris',
  'Europe/Amsterdam',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'Asia/Singapore',
  'Australia/Sydney',
] as const
