import type { Persona } from '@decnet/core/schemas'
import { DEBIAN_12 } from './debian-12.ts'

const DAY = 86_400

/**
 * Hand-written personas for the shell tests: one per userland style, and twins (same archetype and
 * distro, different seeds and per-machine values) the way derivePersona makes them.
 */
export function debianPersona(seed: string, overrides: Partial<Persona> = {}): Persona {
  return {
    version: 1,
    seed,
    ...DEBIAN_12,
    hostname: 'web-prod-03',
    domain: { netbios: 'ACME', dns: 'acme.internal', joined: false },
    hardware: {
      vendor: 'Dell Inc.',
      model: 'PowerEdge R640',
      serial: '7XK2M93',
      cpuModel: 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz',
      cpuMhz: 2100.002,
      cpuCores: 8,
      cacheKb: 28160,
      memoryKb: 16_303_452,
    },
    mac: 'F8:BC:12:3A:7D:01',
    machineId: '3f1c2a9e8d7b4c6a9e0f1d2c3b4a5968',
    bootTime: Date.UTC(2026, 10, 2, 7, 13, 5) / 1000,
    loadBase: 0.42,
    timezone: 'Europe/Berlin',
    services: {
      ssh: { product: 'openssh', version: '9.2p1', banner: 'OpenSSH_9.2p1 Debian-2+deb12u3', attrs: {} },
      http: { product: 'nginx', version: '1.22.1', banner: 'nginx/1.22.1', attrs: {} },
    },
    ...overrides,
  }
}

/** A second web server of the same archetype and distro: what a real twin would randomise differs. */
export function debianTwin(): Persona {
  const first = debianPersona('0123456789abcdef0123456789abcdef')
  return debianPersona('fedcba9876543210fedcba9876543210', {
    hostname: 'web-prod-07',
    hardware: { ...first.hardware, serial: '3JQ8N21', cpuMhz: 2094.958, memoryKb: 16_303_180 },
    mac: 'F8:BC:12:9C:04:EE',
    machineId: 'b92e07d4c1a84f6e8d3c2b1a0f9e8d7c',
    bootTime: Date.UTC(2026, 9, 19, 22, 41, 52) / 1000,
    loadBase: 0.17,
  })
}

export function ubuntuPersona(seed: string): Persona {
  return debianPersona(seed, {
    os: {
      vendor: 'Canonical',
      name: 'Ubuntu 22.04.4 LTS',
      id: 'ubuntu',
      versionId: '22.04',
      codename: 'jammy',
      kernel: '5.15.0-91-generic',
      kernelVersion: '#101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023',
      arch: 'x86_64',
      windows: null,
    },
    hostname: 'db-01',
    hardware: {
      vendor: 'QEMU',
      model: 'Standard PC (Q35 + ICH9, 2009)',
      serial: 'Not Specified',
      cpuModel: 'AMD EPYC 7302P 16-Core Processor',
      cpuMhz: 2994.374,
      cpuCores: 4,
      cacheKb: 512,
      memoryKb: 8_138_212,
    },
    timezone: 'America/Chicago',
    services: {
      ssh: { product: 'openssh', version: '8.9p1', banner: 'OpenSSH_8.9p1 Ubuntu-3ubuntu0.10', attrs: {} },
      mysql: { product: 'mysql', version: '8.0.40', banner: '8.0.40-0ubuntu0.22.04.1', attrs: {} },
    },
  })
}

export function rockyPersona(seed: string): Persona {
  return debianPersona(seed, {
    os: {
      vendor: 'Rocky Enterprise Software Foundation',
      name: 'Rocky Linux 9.3 (Blue Onyx)',
      id: 'rocky',
      versionId: '9.3',
      codename: null,
      kernel: '5.14.0-362.8.1.el9_3.x86_64',
      kernelVersion: '#1 SMP PREEMPT_DYNAMIC Wed Nov 8 17:36:32 UTC 2023',
      arch: 'x86_64',
      windows: null,
    },
    hostname: 'mail02',
    services: {
      ssh: { product: 'openssh', version: '8.7p1', banner: 'OpenSSH_8.7', attrs: {} },
      smtp: { product: 'postfix', version: '3.5.9', banner: 'Postfix', attrs: {} },
    },
  })
}

export function alpinePersona(seed: string): Persona {
  return debianPersona(seed, {
    family: 'linux',
    os: {
      vendor: 'Alpine',
      name: 'Alpine Linux v3.19',
      id: 'alpine',
      versionId: '3.19.1',
      codename: null,
      kernel: '6.6.14-0-lts',
      kernelVersion: '#1-Alpine SMP PREEMPT_DYNAMIC Fri, 26 Jan 2024 11:08:53 +0000',
      arch: 'x86_64',
      windows: null,
    },
    hostname: 'gw-edge',
    domain: null,
    timezone: 'UTC',
    bootTime: Date.UTC(2026, 10, 28, 3, 0, 0) / 1000,
    services: {
      ssh: { product: 'openssh', version: '9.6p1', banner: 'OpenSSH_9.6', attrs: {} },
      telnet: { product: 'busybox', version: '1.36.1', banner: '', attrs: {} },
    },
  })
}

export const PERSONA_DAY = DAY
