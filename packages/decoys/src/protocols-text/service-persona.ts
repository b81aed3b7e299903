import type { Persona, ServiceProduct } from '@decnet/core'
import type { EmulatorContext } from '../emulator.ts'
import { personaFor } from './shell/persona.ts'

/**
 * The decky's persona as the text emulators read it. `ctx.persona` is the one source of truth
 * (hostname, domain, OS, timezone, per-service product); the fallback only covers contexts built
 * before the persona wiring existed and goes once every caller passes one.
 */
export function personaOf(ctx: EmulatorContext): Persona {
  const given = (ctx as EmulatorContext & { persona?: Persona }).persona
  return given ?? legacyPersona(ctx)
}

/** What `slug` claims to run on this decky, if the persona names it. */
export function serviceOf(persona: Persona, slug: string): ServiceProduct | undefined {
  return persona.services[slug]
}

/** Fully qualified host name as an MTA or FTP server names itself (`mail01.corp.example`). */
export function fqdnOf(persona: Persona): string {
  const host = persona.hostname
  const domain = persona.domain?.dns
  return domain && !host.includes('.') ? `${host}.${domain}` : host
}

function legacyPersona(ctx: EmulatorContext): Persona {
  const old = personaFor(ctx)
  const debian = old.distro === 'debian'
  const ubuntu = old.distro.startsWith('ubuntu')
  const random = old.random.fork('legacy-persona')
  return {
    version: 1,
    seed: random.hex(32),
    family: 'linux',
    stack: 'linux',
    nmapClass: { vendor: 'Linux', osFamily: 'Linux', deviceType: 'general purpose' },
    os: {
      vendor: debian ? 'Debian' : ubuntu ? 'Canonical' : 'Linux',
      name: old.prettyName,
      id: debian ? 'debian' : ubuntu ? 'ubuntu' : old.distro === 'rhel' ? 'rocky' : 'alpine',
      versionId: debian ? '12' : old.distro === 'ubuntu20' ? '20.04' : ubuntu ? '22.04' : '9.4',
      codename: debian ? 'bookworm' : ubuntu ? 'jammy' : null,
      kernel: old.kernel,
      kernelVersion: '#1 SMP',
      arch: 'x86_64',
      windows: null,
    },
    hostname: old.hostname,
    domain: null,
    hardware: {
      vendor: 'QEMU',
      model: 'Standard PC',
      serial: random.hex(12),
      cpuModel: old.cpuModel,
      cpuMhz: 2400,
      cpuCores: 2,
      cacheKb: 16384,
      memoryKb: old.memTotalKb,
    },
    mac: old.mac,
    machineId: random.hex(32),
    bootTime: Math.floor(Date.now() / 1000) - old.uptimeDays * 86_400,
    loadBase: 0.2,
    timezone: 'UTC',
    services: {
      ssh: { product: 'openssh', version: old.sshVersion.slice(8), banner: old.sshVersion, attrs: {} },
    },
  }
}
