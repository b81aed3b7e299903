import { networkInterfaces } from 'node:os'
import type { EmulatorContext } from '../../emulator.ts'
import { configString } from '../../framework/config.ts'
import { type SeededRandom, seededRandom } from '../../framework/random.ts'

/**
 * The host a decky pretends to be, derived from its seed, hostname and distro. Every text service
 * of one decky derives the same persona, so ssh, telnet and ftp tell one consistent OS story; two
 * deckies never share one (no fixed `/home/richard`-style giveaways, cowrie#1102).
 */
export type Persona = {
  hostname: string
  distro: DistroFamily
  prettyName: string
  kernel: string
  sshVersion: string
  /** Regular login user shown in /etc/passwd and /home. */
  humanUsers: string[]
  ip: string
  mac: string
  uptimeDays: number
  memTotalKb: number
  cpuModel: string
  random: SeededRandom
}

export type DistroFamily = 'ubuntu22' | 'ubuntu20' | 'debian' | 'rhel' | 'alpine'

const UBUNTU22_KERNELS = [
  '5.15.0-88-generic',
  '5.15.0-91-generic',
  '5.15.0-101-generic',
  '5.15.0-105-generic',
]
const UBUNTU20_KERNELS = ['5.4.0-150-generic', '5.4.0-163-generic', '5.4.0-169-generic', '5.4.0-182-generic']
const DEBIAN_KERNELS = ['6.1.0-13-amd64', '6.1.0-17-amd64', '6.1.0-18-amd64', '6.1.0-21-amd64']
const RHEL_KERNELS = [
  '5.14.0-362.8.1.el9_3.x86_64',
  '5.14.0-362.24.1.el9_3.x86_64',
  '5.14.0-427.13.1.el9_4.x86_64',
]
const ALPINE_KERNELS = ['6.6.14-0-lts', '6.6.22-0-lts', '6.6.31-0-lts']

const SSH_VERSIONS: Record<DistroFamily, string[]> = {
  ubuntu22: [4, 6, 7, 10, 11].map((n) => `OpenSSH_8.9p1 Ubuntu-3ubuntu0.${n}`),
  ubuntu20: [5, 6, 7, 10, 11].map((n) => `OpenSSH_8.2p1 Ubuntu-4ubuntu0.${n}`),
  debian: [1, 2, 3, 4].map((n) => `OpenSSH_9.2p1 Debian-2+deb12u${n}`),
  rhel: ['OpenSSH_8.7'],
  alpine: ['OpenSSH_9.6', 'OpenSSH_9.7'],
}

const PRETTY_NAMES: Record<DistroFamily, string[]> = {
  ubuntu22: ['Ubuntu 22.04.3 LTS', 'Ubuntu 22.04.4 LTS'],
  ubuntu20: ['Ubuntu 20.04.6 LTS'],
  debian: ['Debian GNU/Linux 12 (bookworm)'],
  rhel: ['Rocky Linux 9.3 (Blue Onyx)', 'Rocky Linux 9.4 (Blue Onyx)'],
  alpine: ['Alpine Linux v3.19'],
}

const FIRST_NAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy']
const SERVICE_USERS = ['deploy', 'backup', 'devops', 'jenkins', 'ansible', 'webadmin', 'sysadmin', 'ops']
const CPUS = [
  'Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz',
  'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz',
  'AMD EPYC 7302P 16-Core Processor',
  'Intel(R) Xeon(R) Silver 4214 CPU @ 2.20GHz',
]

/** Maps catalogue distro slugs (and unknown values) to the family whose artefacts we imitate. */
export function distroFamily(distro: string | undefined, random: SeededRandom): DistroFamily {
  switch (distro) {
    case 'ubuntu22':
    case 'ubuntu20':
    case 'debian':
    case 'alpine':
      return distro
    case 'rocky9':
    case 'centos7':
    case 'fedora':
      return 'rhel'
    case 'kali':
    case 'arch':
      return 'debian'
    default:
      return random.pick(['ubuntu22', 'ubuntu22', 'debian', 'ubuntu20'] as const)
  }
}

export function personaFor(ctx: EmulatorContext): Persona {
  const random = seededRandom(`${ctx.seed}/persona`)
  const distro = distroFamily(ctx.distro, random.fork('distro'))
  const kernels = {
    ubuntu22: UBUNTU22_KERNELS,
    ubuntu20: UBUNTU20_KERNELS,
    debian: DEBIAN_KERNELS,
    rhel: RHEL_KERNELS,
    alpine: ALPINE_KERNELS,
  }[distro]
  const users = random.fork('users')
  const macBytes = random.fork('mac').bytes(3)
  const local = localInterface(ctx.bindAddress)
  return {
    // ssh/telnet may override the prompt hostname and kernel per service (catalogue keys).
    hostname: configString(ctx.config, 'hostname') ?? ctx.hostname,
    distro,
    prettyName: random.fork('pretty').pick(PRETTY_NAMES[distro]),
    kernel: configString(ctx.config, 'kernel_version') ?? random.fork('kernel').pick(kernels),
    sshVersion: random.fork('ssh').pick(SSH_VERSIONS[distro]),
    humanUsers: [users.pick(FIRST_NAMES), users.pick(SERVICE_USERS)],
    ip: local?.address ?? ctx.bindAddress,
    // In a container this is the decky's real MAC (vendor OUI set by the engine); in-process, a
    // seeded one with the KVM prefix that virtual servers commonly show.
    mac: local?.mac ?? `52:54:00:${[...macBytes].map((b) => b.toString(16).padStart(2, '0')).join(':')}`,
    uptimeDays: random.fork('uptime').int(3, 240),
    memTotalKb:
      random.fork('mem').pick([2, 4, 8, 16]) * 1024 * 1024 - random.fork('memslack').int(60_000, 200_000),
    cpuModel: random.fork('cpu').pick(CPUS),
    random: random.fork('content'),
  }
}

/** The container's own interface when listening on all addresses; none in-process (loopback binds). */
function localInterface(bindAddress: string): { address: string; mac: string } | undefined {
  if (bindAddress !== '0.0.0.0' && bindAddress !== '::') return undefined
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.family === 'IPv4' && !entry.internal) return { address: entry.address, mac: entry.mac }
    }
  }
  return undefined
}
