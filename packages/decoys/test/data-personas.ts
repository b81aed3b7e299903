import type { Persona, ServiceProduct } from '@decnet/core'
import { DEBIAN_12, UBUNTU_22_04_OS } from './debian-12.ts'

/** Persona literals for the data-service tests: one story per machine, as derivePersona tells it. */

const product = (name: string, version: string, banner: string, attrs: Record<string, string> = {}) =>
  ({ product: name, version, banner, attrs }) satisfies ServiceProduct

const DAY = 86_400

/** A Debian 12 database host: MariaDB, PostgreSQL 15, Redis 7.0, BIND 9.18, net-snmp 5.9.3. */
export function debianPersona(seed: string, overrides: Partial<Persona> = {}): Persona {
  return {
    version: 1,
    seed,
    ...DEBIAN_12,
    hostname: 'db-bookworm-07',
    domain: { netbios: 'ACME', dns: 'corp.acme.example', joined: false },
    hardware: {
      vendor: 'VMware, Inc.',
      model: 'VMware Virtual Platform',
      serial: 'VMware-56 4d 2b 7e',
      cpuModel: 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz',
      cpuMhz: 2095.078,
      cpuCores: 4,
      cacheKb: 28160,
      memoryKb: 16_384_000,
    },
    mac: '00:50:56:8a:3c:19',
    machineId: '3f1c2b7a9d0e4f5a8b6c7d8e9f0a1b2c',
    // Like derivePersona: each machine booted at its own time (1–29 days ago here, from the seed).
    bootTime:
      Math.floor(Date.now() / 1000) -
      (1 + (Number.parseInt(seed.slice(0, 4), 16) % 29)) * DAY -
      Number.parseInt(seed.slice(4, 8), 16),
    loadBase: 0.8,
    timezone: 'Europe/Berlin',
    services: {
      mysql: product('mariadb', '10.11.6', '10.11.6-MariaDB-0+deb12u1'),
      postgres: product('postgresql', '15.10', '15.10 (Debian 15.10-0+deb12u1)', {
        compiledBy: 'gcc (Debian 12.2.0-14) 12.2.0, 64-bit',
      }),
      redis: product('redis', '7.0.15', '7.0.15', {
        os: 'Linux 6.1.0-28-amd64 x86_64',
        gccVersion: '12.2.0',
      }),
      dns: product('bind', '9.18.28', '9.18.28-1~deb12u2-Debian'),
      snmp: product('net-snmp', '5.9.3', '5.9.3'),
      mongodb: product('mongodb', '7.0.14', '7.0.14'),
      mqtt: product('mosquitto', '2.0.11', 'mosquitto version 2.0.11'),
      sip: product('asterisk', '20.11.0', 'Asterisk PBX 20.11.0'),
      tftp: product('tftpd-hpa', '5.2', 'tftp-hpa 5.2'),
      vnc: product('libvncserver', '0.9.14', 'RFB 003.008'),
    },
    ...overrides,
  }
}

/** An Ubuntu 22.04 host running Oracle's MySQL 8.0 and PostgreSQL 14. */
export function ubuntuPersona(seed: string): Persona {
  const base = debianPersona(seed)
  return {
    ...base,
    os: UBUNTU_22_04_OS,
    hostname: 'app-jammy-03',
    services: {
      ...base.services,
      mysql: product('mysql', '8.0.40', '8.0.40-0ubuntu0.22.04.1'),
      postgres: product('postgresql', '14.15', '14.15 (Ubuntu 14.15-0ubuntu0.22.04.1)'),
      redis: product('redis', '6.0.16', '6.0.16', { os: 'Linux 5.15.0-126-generic x86_64' }),
      dns: product('bind', '9.18.28', '9.18.28-0ubuntu0.22.04.1-Ubuntu'),
      snmp: product('net-snmp', '5.9.1', '5.9.1'),
      vnc: product('realvnc', '7.12.0', 'RFB 005.000'),
    },
  }
}

/** A Siemens S7-300 PLC: its Modbus identity, SNMP agent and MAC are all Siemens. */
export function plcPersona(seed: string): Persona {
  const base = debianPersona(seed)
  return {
    ...base,
    family: 'embedded',
    stack: 'siemens-s7',
    nmapClass: { vendor: 'Siemens', osFamily: 'embedded', deviceType: 'specialized' },
    os: {
      vendor: 'Siemens',
      name: 'SIMATIC S7-300 CPU 315-2 PN/DP',
      id: 'simatic-s7',
      versionId: 'V3.2.17',
      codename: null,
      kernel: 'V3.2.17',
      kernelVersion: 'Siemens SIMATIC S7 firmware V3.2.17',
      arch: 'arm',
      windows: null,
    },
    hostname: 'plc-42',
    domain: null,
    hardware: { ...base.hardware, vendor: 'Siemens AG', model: '6ES7 315-2EH14-0AB0' },
    mac: '00:0e:8c:4a:21:7f',
    services: {
      conpot: product('siemens-s7', 'V3.2.17', 'Siemens, SIMATIC, S7-300', {
        vendor: 'Siemens',
        model: 'CPU 315-2 PN/DP',
        orderCode: '6ES7 315-2EH14-0AB0',
        firmware: 'V3.2.17',
      }),
      snmp: product(
        'embedded-snmp',
        'V3.2.17',
        'Siemens, SIMATIC S7, CPU315-2 PN/DP, 6ES7 315-2EH14-0AB0, HW: 4, FW: V3.2.17',
        { sysObjectId: '1.3.6.1.4.1.4329.6.1.2' },
      ),
    },
  }
}

/** A Windows Server 2019 member server with the Windows SNMP service. */
export function windowsPersona(seed: string): Persona {
  const base = debianPersona(seed)
  return {
    ...base,
    family: 'windows_server',
    stack: 'windows-10',
    nmapClass: { vendor: 'Microsoft', osFamily: 'Windows', deviceType: 'general purpose' },
    os: {
      vendor: 'Microsoft',
      name: 'Windows Server 2019 Standard',
      id: 'windows',
      versionId: '10.0.17763',
      codename: null,
      kernel: '10.0.17763.6532',
      kernelVersion: 'Microsoft Windows [Version 10.0.17763.6532]',
      arch: 'x86_64',
      windows: null,
    },
    hostname: 'SRV-FS02',
    hardware: { ...base.hardware, vendor: 'Microsoft Corporation', model: 'Virtual Machine' },
    mac: '00:15:5d:01:c4:2e',
    services: {
      snmp: product(
        'windows-snmp',
        '10.0.17763',
        'Hardware: Intel64 Family 6 Model 85 Stepping 7 AT/AT COMPATIBLE - Software: Windows Version 6.3 (Build 17763 Multiprocessor Free)',
        { sysObjectId: '1.3.6.1.4.1.311.1.1.3.1.2' },
      ),
      dns: product('microsoft-dns', '10.0.17763', 'Microsoft DNS 10.0.17763 (4563100A)'),
    },
  }
}

/** A random 128-bit persona seed. */
export function freshSeed(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('')
}
