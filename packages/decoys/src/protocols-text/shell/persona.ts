import { networkInterfaces } from 'node:os'
import { type LoginSettings, loginSettings } from '@decnet/core/persona'
import type { Persona as DeckyPersona, DeckyTopology, FileDrop } from '@decnet/core/schemas'
import type { EmulatorContext } from '../../emulator.ts'
import { configString } from '../../framework/config.ts'
import type { SeededRandom } from '../../framework/random.ts'
import { personaStream, uptimeAt } from './persona-facts.ts'

/**
 * The host the fake shell (ssh, telnet) shows: the decky's persona plus what only a login reveals
 * (login users, the interface address). Every value comes from the persona, so what an intruder reads
 * in the shell tells the same story as every other service of the decky, and two deckies never share
 * one (no fixed `/home/richard`-style giveaways, cowrie#1102).
 */
export type ShellHost = {
  persona: DeckyPersona
  hostname: string
  /** Which userland the shell imitates: its files, package manager and command output styles. */
  userland: Userland
  /** Legacy distro family some services still switch on (ssh motd, web, smtp). */
  distro: DistroFamily
  /** `uname -r`, unless the service configuration overrides it. */
  kernel: string
  /** The accounts ssh/telnet accept (persona's, or the service's settings): /etc/passwd lists these. */
  logins: LoginSettings
  /** Regular login users shown in /etc/passwd and /home: the non-root accounts of `logins`. */
  humanUsers: string[]
  ip: string
  mac: string
  /** os-release PRETTY_NAME. */
  prettyName: string
  sshVersion: string
  /** Per-decky content stream (other services fork their own purposes from it). */
  random: SeededRandom
  /** Uptime in whole days when the service started (for services that only need a rough age). */
  uptimeDays: number
  memTotalKb: number
  cpuModel: string
  /** When this view was made: files written "since the boot" are dated before it, stably per run. */
  sinceMs: number
  /** Bait files an admin placed: the filesystem shows them over its own. */
  fileDrops: FileDrop[]
  /** The decky's networks when it is part of a topology: one interface per link, neighbours, routes. */
  topology?: DeckyTopology
}

/** Legacy name of the shell host view, imported by services that still read it. */
export type Persona = ShellHost

export type DistroFamily = 'ubuntu22' | 'ubuntu20' | 'debian' | 'rhel' | 'alpine'

/**
 * `gnu`: coreutils/procps/bash on a systemd distro (Debian, Ubuntu, RHEL family, Arch);
 * `busybox`: busybox applets and ash (Alpine, embedded firmware).
 */
export type Userland = 'gnu' | 'busybox'

/** What the shell shows for a persona, with the service's own overrides (hostname, kernel). */
export function shellHost(
  persona: DeckyPersona,
  options: {
    bindAddress: string
    config?: EmulatorContext['config']
    hostname?: string
    nowMs?: number
    fileDrops?: FileDrop[]
    topology?: DeckyTopology
  },
): ShellHost {
  const config = options.config ?? {}
  const logins = loginSettings(persona, config)
  const { topology } = options
  // A topology names the primary address (its first link); a flat decky shows the one it has.
  const primary = topology?.links[0]?.ip
  const local = localInterface(options.bindAddress, primary)
  const ssh = persona.services.ssh
  const nowMs = options.nowMs ?? Date.now()
  return {
    persona,
    // The service's `hostname` key, then the decky's (the persona's unless a caller overrode it).
    hostname: configString(config, 'hostname') ?? options.hostname ?? persona.hostname,
    userland: userlandOf(persona),
    distro: distroFamilyOf(persona),
    kernel: configString(config, 'kernel_version') ?? persona.os.kernel,
    logins,
    humanUsers: logins.accounts.map((account) => account.user).filter((user) => user !== 'root'),
    ip: primary ?? local?.address ?? options.bindAddress,
    // In a container this is the decky's real interface (the engine set the persona's MAC on it).
    mac: local?.mac ?? persona.mac.toLowerCase(),
    prettyName: persona.os.name,
    sshVersion: ssh ? ssh.banner : 'OpenSSH',
    random: personaStream(persona, 'content'),
    uptimeDays: Math.floor(uptimeAt(persona, nowMs) / 86_400),
    memTotalKb: persona.hardware.memoryKb,
    cpuModel: persona.hardware.cpuModel,
    sinceMs: nowMs,
    fileDrops: options.fileDrops ?? [],
    ...(topology ? { topology } : {}),
  }
}

/** The shell host of an emulator's decky. */
export function personaFor(ctx: EmulatorContext): ShellHost {
  return shellHost(ctx.persona, {
    bindAddress: ctx.bindAddress,
    config: ctx.config,
    hostname: ctx.hostname,
    ...(ctx.fileDrops ? { fileDrops: ctx.fileDrops } : {}),
    ...(ctx.topology ? { topology: ctx.topology } : {}),
  })
}

export function userlandOf(persona: DeckyPersona): Userland {
  return persona.os.id === 'alpine' || persona.family === 'embedded' ? 'busybox' : 'gnu'
}

const RHEL_IDS = new Set(['rocky', 'centos', 'rhel', 'almalinux', 'fedora', 'ol'])

export function distroFamilyOf(persona: DeckyPersona): DistroFamily {
  const { id, versionId } = persona.os
  if (id === 'ubuntu') return versionId.startsWith('20.') ? 'ubuntu20' : 'ubuntu22'
  if (RHEL_IDS.has(id)) return 'rhel'
  if (id === 'alpine' || persona.family === 'embedded') return 'alpine'
  return 'debian'
}

/** Which package manager the persona's distro uses (history, motd hints). */
export function packageManagerOf(persona: DeckyPersona): 'apt' | 'dnf' | 'yum' | 'apk' | 'pacman' | 'opkg' {
  const { id, versionId } = persona.os
  if (id === 'alpine') return 'apk'
  if (id === 'arch') return 'pacman'
  if (id === 'centos' && versionId.startsWith('7')) return 'yum'
  if (RHEL_IDS.has(id)) return 'dnf'
  if (persona.family === 'embedded') return 'opkg'
  return 'apt'
}

/**
 * The container's own interface when listening on all addresses (the one holding `address` when
 * given: a pivot has several); none in-process (loopback binds).
 */
function localInterface(bindAddress: string, address?: string): { address: string; mac: string } | undefined {
  if (bindAddress !== '0.0.0.0' && bindAddress !== '::') return undefined
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.family === 'IPv4' && !entry.internal && (address === undefined || entry.address === address))
        return { address: entry.address, mac: entry.mac }
    }
  }
  return undefined
}
