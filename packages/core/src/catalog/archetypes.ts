// Archetypes bundle a believable service set, distro pool and OS family for a kind of machine.
import type { DistroSlug } from './distros.ts'
import type { OsFamilySlug } from './os-families.ts'
import type { ServiceSlug } from './services.ts'

export const ARCHETYPE_SLUGS = [
  'windows-workstation',
  'windows-server',
  'domain-controller',
  'linux-server',
  'web-server',
  'database-server',
  'mail-server',
  'file-server',
  'printer',
  'iot-device',
  'industrial-control',
  'voip-server',
  'monitoring-node',
  'devops-host',
  'deaddeck',
] as const
export type ArchetypeSlug = (typeof ARCHETYPE_SLUGS)[number]

export interface Archetype {
  slug: ArchetypeSlug
  name: string
  description: string
  services: readonly ServiceSlug[]
  /** Cycled in deploy order so a group of deckies does not all run the same distro. */
  preferredDistros: readonly DistroSlug[]
  osFamily: OsFamilySlug
}

export const ARCHETYPES: readonly Archetype[] = [
  {
    slug: 'windows-workstation',
    name: 'Windows Workstation',
    description: 'Corporate Windows desktop: SMB shares + RDP access',
    services: ['smb', 'rdp'],
    preferredDistros: ['debian', 'ubuntu22'],
    osFamily: 'windows',
  },
  {
    slug: 'windows-server',
    name: 'Windows Server',
    description: 'Windows domain member: SMB, RDP, and LDAP directory',
    services: ['smb', 'rdp', 'ldap'],
    preferredDistros: ['debian', 'ubuntu22'],
    osFamily: 'windows_server',
  },
  {
    slug: 'domain-controller',
    name: 'Domain Controller',
    description: 'Active Directory DC: LDAP, SMB, RDP, LLMNR',
    services: ['ldap', 'smb', 'rdp', 'llmnr'],
    preferredDistros: ['debian', 'ubuntu22'],
    osFamily: 'windows_server',
  },
  {
    slug: 'linux-server',
    name: 'Linux Server',
    description: 'General-purpose Linux host: SSH + HTTP',
    services: ['ssh', 'http'],
    preferredDistros: ['debian', 'ubuntu22', 'rocky9', 'fedora'],
    osFamily: 'linux',
  },
  {
    slug: 'web-server',
    name: 'Web Server',
    description: 'Public-facing web host: HTTP + FTP',
    services: ['http', 'ftp'],
    preferredDistros: ['debian', 'ubuntu22', 'ubuntu20'],
    osFamily: 'linux',
  },
  {
    slug: 'database-server',
    name: 'Database Server',
    description: 'Data tier host: MySQL, PostgreSQL, Redis',
    services: ['mysql', 'postgres', 'redis'],
    preferredDistros: ['debian', 'ubuntu22'],
    osFamily: 'linux',
  },
  {
    slug: 'mail-server',
    name: 'Mail Server',
    description: 'SMTP/IMAP/POP3 mail relay',
    services: ['smtp', 'pop3', 'imap'],
    preferredDistros: ['debian', 'ubuntu22'],
    osFamily: 'linux',
  },
  {
    slug: 'file-server',
    name: 'File Server',
    description: 'SMB/FTP/SFTP file storage node',
    services: ['smb', 'ftp', 'ssh'],
    preferredDistros: ['debian', 'ubuntu22', 'rocky9'],
    osFamily: 'linux',
  },
  {
    slug: 'printer',
    name: 'Network Printer',
    description: 'Network-attached printer: SNMP + FTP',
    services: ['snmp', 'ftp'],
    preferredDistros: ['alpine', 'debian'],
    osFamily: 'embedded',
  },
  {
    slug: 'iot-device',
    name: 'IoT Device',
    description: 'Embedded/IoT device: MQTT, SNMP, Telnet',
    services: ['mqtt', 'snmp', 'telnet'],
    preferredDistros: ['alpine'],
    osFamily: 'embedded',
  },
  {
    slug: 'industrial-control',
    name: 'Industrial Control System',
    description: 'ICS/SCADA node: Conpot (Modbus) + SNMP',
    services: ['conpot', 'snmp'],
    preferredDistros: ['debian'],
    osFamily: 'embedded',
  },
  {
    slug: 'voip-server',
    name: 'VoIP Server',
    description: 'SIP PBX / VoIP gateway',
    services: ['sip'],
    preferredDistros: ['debian', 'ubuntu22'],
    osFamily: 'linux',
  },
  {
    slug: 'monitoring-node',
    name: 'Monitoring Node',
    description: 'Infrastructure monitoring host: SNMP + SSH',
    services: ['snmp', 'ssh'],
    preferredDistros: ['debian', 'rocky9'],
    osFamily: 'linux',
  },
  {
    slug: 'devops-host',
    name: 'DevOps Host',
    description: 'CI/CD or container host: Docker API + SSH + K8s',
    services: ['docker_api', 'ssh', 'k8s'],
    preferredDistros: ['ubuntu22', 'debian'],
    osFamily: 'linux',
  },
  {
    slug: 'deaddeck',
    name: 'Deaddeck (Entry Point)',
    description: 'Internet-facing entry point with interactive SSH',
    services: ['ssh'],
    preferredDistros: ['debian', 'ubuntu22'],
    osFamily: 'linux',
  },
]

const ARCHETYPE_BY_SLUG: ReadonlyMap<string, Archetype> = new Map(ARCHETYPES.map((a) => [a.slug, a]))

export function getArchetype(slug: string): Archetype | undefined {
  return ARCHETYPE_BY_SLUG.get(slug)
}

export function isArchetypeSlug(value: string): value is ArchetypeSlug {
  return ARCHETYPE_BY_SLUG.has(value)
}
