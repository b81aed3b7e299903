import type { Persona, ServiceProduct } from '@decnet/core'
import { DEBIAN_12, UBUNTU_22_04_OS } from './debian-12.ts'

const DAY_S = 86_400

/**
 * Persona literals for the web/TLS tests (written against the contract in core's persona.ts, so
 * these tests hold whatever `derivePersona` picks): a Debian 12 Apache host, a Debian nginx host,
 * an Ubuntu host, a Rocky host, a domain-joined Windows Server 2019 and a 2012 R2 (build 9600).
 */
export function testPersona(kind: PersonaKind, seed = 'a'.repeat(32)): Persona {
  const bootTime = Math.floor(Date.now() / 1000) - 17 * DAY_S - 3_517
  const base = {
    version: 1 as const,
    seed,
    bootTime,
    loadBase: 0.3,
    timezone: 'Europe/Berlin',
    mac: '52:54:00:12:34:56',
    machineId: seed.split('').reverse().join(''),
    nmapClass: { vendor: 'Linux', osFamily: 'Linux', deviceType: 'general purpose' },
    hardware: {
      vendor: 'Dell Inc.',
      model: 'PowerEdge R640',
      serial: `${seed.slice(0, 7).toUpperCase()}`,
      cpuModel: 'Intel(R) Xeon(R) Silver 4214 CPU @ 2.20GHz',
      cpuMhz: 2194.843,
      cpuCores: 4,
      cacheKb: 16896,
      memoryKb: 16_318_864,
    },
    domain: { netbios: 'ACME', dns: 'acme.local', joined: kind.startsWith('windows') },
  }
  const web = (product: string, version: string, banner: string): ServiceProduct => ({
    product,
    version,
    banner,
    attrs: {},
  })
  switch (kind) {
    case 'debian-apache':
    case 'debian-nginx':
      return {
        ...base,
        ...DEBIAN_12,
        hostname: `web-${seed.slice(0, 4)}`,
        services: {
          http:
            kind === 'debian-apache'
              ? web('apache', '2.4.62', 'Apache/2.4.62 (Debian)')
              : web('nginx', '1.22.1', 'nginx/1.22.1'),
          https:
            kind === 'debian-apache'
              ? web('apache', '2.4.62', 'Apache/2.4.62 (Debian)')
              : web('nginx', '1.22.1', 'nginx/1.22.1'),
          k8s: web('kubernetes', '1.28.15', 'v1.28.15'),
          docker_api: web('docker', '20.10.24', '20.10.24+dfsg1'),
          elasticsearch: web('elasticsearch', '7.17.25', '7.17.25'),
        },
      }
    case 'ubuntu-apache':
      return {
        ...base,
        family: 'linux',
        stack: 'linux',
        hostname: `app-${seed.slice(0, 4)}`,
        os: UBUNTU_22_04_OS,
        services: { http: web('apache', '2.4.52', 'Apache/2.4.52 (Ubuntu)') },
      }
    case 'rocky-apache':
      return {
        ...base,
        family: 'linux',
        stack: 'linux',
        hostname: `rocky-${seed.slice(0, 4)}`,
        os: {
          vendor: 'Rocky Enterprise Software Foundation',
          name: 'Rocky Linux 9.5 (Blue Onyx)',
          id: 'rocky',
          versionId: '9.5',
          codename: null,
          kernel: '5.14.0-503.14.1.el9_5.x86_64',
          kernelVersion: '#1 SMP PREEMPT_DYNAMIC Fri Nov 15 12:04:32 UTC 2024',
          arch: 'x86_64',
          windows: null,
        },
        services: {
          http: web('apache', '2.4.62', 'Apache/2.4.62 (Rocky Linux)'),
          https: web('apache', '2.4.62', 'Apache/2.4.62 (Rocky Linux)'),
        },
      }
    case 'windows-2019':
    case 'windows-2012r2': {
      const modern = kind === 'windows-2019'
      return {
        ...base,
        family: 'windows_server',
        stack: modern ? 'windows-server-2019' : 'windows-server-2012r2',
        nmapClass: { vendor: 'Microsoft', osFamily: 'Windows', deviceType: 'general purpose' },
        hostname: `SRV-${seed.slice(0, 6).toUpperCase()}`,
        os: {
          vendor: 'Microsoft',
          name: modern ? 'Windows Server 2019 Standard' : 'Windows Server 2012 R2 Standard',
          id: 'windows',
          versionId: modern ? '10.0.17763' : '6.3.9600',
          codename: null,
          kernel: modern ? '10.0.17763.6532' : '6.3.9600.21620',
          kernelVersion: '',
          arch: 'x86_64',
          windows: {
            major: modern ? 10 : 6,
            minor: modern ? 0 : 3,
            build: modern ? 17763 : 9600,
            ubr: modern ? 6532 : 21620,
            productName: modern ? 'Windows Server 2019 Standard' : 'Windows Server 2012 R2 Standard',
            displayVersion: modern ? '1809' : '',
            server: true,
            smbDialects: modern
              ? ['2.0.2', '2.1', '3.0', '3.0.2', '3.1.1']
              : ['2.0.2', '2.1', '3.0', '3.0.2'],
            tlsVersions: modern ? ['1.0', '1.1', '1.2'] : ['1.0', '1.1', '1.2'],
          },
        },
        services: {
          http: web('iis', '10.0', 'Microsoft-IIS/10.0'),
          https: web('iis', modern ? '10.0' : '8.5', modern ? 'Microsoft-IIS/10.0' : 'Microsoft-IIS/8.5'),
          rdp: web('windows', modern ? '10.0.17763' : '6.3.9600', ''),
        },
      }
    }
  }
}

export type PersonaKind =
  | 'debian-apache'
  | 'debian-nginx'
  | 'ubuntu-apache'
  | 'rocky-apache'
  | 'windows-2019'
  | 'windows-2012r2'
