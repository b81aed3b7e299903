// Appliances and devices: the embedded family (printers, PLCs, IoT gateways), FreeBSD hosts and Cisco
// switches. Each device runs its own firmware's servers; the product ids say which.
import type { TcpStackId } from '../catalog/tcp-stacks.ts'
import type { NmapClass, PersonaOs } from '../schemas/persona.ts'
import { draw, type HardwareProfile } from './hardware.ts'
import type { PackagedProduct } from './linux-distros.ts'

export type DeviceProduct = PackagedProduct & { product: string }

export interface DeviceProfile {
  id: string
  os: Omit<PersonaOs, 'windows'>
  hardware: HardwareProfile
  stack: TcpStackId
  nmapClass: NmapClass
  /** Service slug → what the firmware runs for it. */
  products: Readonly<Record<string, DeviceProduct>>
  /** Host name from the last three MAC bytes (`8C2F1A`) and a random draw. */
  hostname: (macTail: string, random: () => number) => string
  loadBase: number
}

const product = (
  id: string,
  version: string,
  banner: string,
  attrs?: Record<string, string>,
): DeviceProduct => (attrs ? { product: id, version, banner, attrs } : { product: id, version, banner })

const HP_LASERJET: DeviceProfile = {
  id: 'hp-laserjet',
  os: {
    vendor: 'HP',
    name: 'HP LaserJet Pro M404dn',
    id: 'hp-futuresmart',
    versionId: '002.2336A',
    codename: null,
    kernel: '002.2336A',
    kernelVersion: 'HP LaserJet Pro M404dn firmware 002.2336A',
    arch: 'armv7l',
  },
  hardware: {
    id: 'hp-laserjet-m404',
    vendor: 'HP',
    model: 'HP LaserJet Pro M404dn',
    virtual: false,
    cpus: [
      {
        model: 'ARM Cortex-A7',
        mhz: 1200,
        cores: [1],
        cacheKb: 256,
        cpuid: { family: 0, model: 0, stepping: 0 },
      },
    ],
    memoryGb: [0.25],
    ouis: ['00:1E:0B', '9C:8E:99', '94:57:A5'],
    serial: (random) => `PHB${draw(random, 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', 7)}`,
  },
  stack: 'printer',
  nmapClass: { vendor: 'HP', osFamily: 'embedded', deviceType: 'printer' },
  products: {
    http: product('embedded-web', '1.0', 'HP HTTP Server; HP LaserJet Pro M404dn - W1A53A', {
      device: 'HP LaserJet Pro M404dn',
    }),
    https: product('embedded-web', '1.0', 'HP HTTP Server; HP LaserJet Pro M404dn - W1A53A', {
      device: 'HP LaserJet Pro M404dn',
    }),
    ftp: product('embedded-ftp', '1.0', 'JD FTP Server Ready', { device: 'HP LaserJet Pro M404dn' }),
    snmp: product(
      'embedded-snmp',
      '002.2336A',
      'HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153,EEPROM JSI23900011,CIDATE 09/05/2023',
      { sysObjectId: '1.3.6.1.4.1.11.2.3.9.1', device: 'HP LaserJet Pro M404dn' },
    ),
    telnet: product('busybox', '1.0', 'HP JetDirect', { device: 'HP LaserJet Pro M404dn' }),
    tftp: product('embedded-tftp', '1.0', 'HP JetDirect TFTP'),
  },
  // HP printers name themselves NPI + the last three MAC bytes.
  hostname: (macTail) => `NPI${macTail}`,
  loadBase: 0.05,
}

const SIEMENS_S7: DeviceProfile = {
  id: 'siemens-s7-300',
  os: {
    vendor: 'Siemens',
    name: 'SIMATIC S7-300 CPU 315-2 PN/DP',
    id: 'simatic-s7',
    versionId: 'V3.2.17',
    codename: null,
    kernel: 'V3.2.17',
    kernelVersion: 'Siemens SIMATIC S7 firmware V3.2.17',
    arch: 'arm',
  },
  hardware: {
    id: 'siemens-s7-315',
    vendor: 'Siemens AG',
    model: '6ES7 315-2EH14-0AB0',
    virtual: false,
    cpus: [
      {
        model: 'SIMATIC S7-300 CPU',
        mhz: 400,
        cores: [1],
        cacheKb: 0,
        cpuid: { family: 0, model: 0, stepping: 0 },
      },
    ],
    memoryGb: [0.0004],
    ouis: ['00:0E:8C', '00:1B:1B', '28:63:36'],
    serial: (random) =>
      `S C-${draw(random, 'ABCDEFGHJKLMNPQRSTUVWXYZ', 1)}${draw(random, '0123456789', 1)}${draw(random, 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', 6)}2012`,
  },
  stack: 'embedded-linux',
  nmapClass: { vendor: 'Siemens', osFamily: 'embedded', deviceType: 'specialized' },
  products: {
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
      {
        sysObjectId: '1.3.6.1.4.1.4329.6.1.2',
      },
    ),
    http: product('embedded-web', 'V3.2.17', 'Siemens SIMATIC S7 web server', { device: 'CPU 315-2 PN/DP' }),
    https: product('embedded-web', 'V3.2.17', 'Siemens SIMATIC S7 web server', { device: 'CPU 315-2 PN/DP' }),
  },
  hostname: (_tail, random) => `plc-${draw(random, '123456789', 1)}${draw(random, '0123456789', 1)}`,
  loadBase: 0,
}

const TELTONIKA_RUT955: DeviceProfile = {
  id: 'teltonika-rut955',
  os: {
    vendor: 'Teltonika',
    name: 'RutOS RUT9_R_00.07.09.3',
    id: 'rutos',
    versionId: 'RUT9_R_00.07.09.3',
    codename: null,
    kernel: '5.4.259',
    kernelVersion: '#0 Tue Oct 29 11:38:50 2024',
    arch: 'mips',
  },
  hardware: {
    id: 'rut955',
    vendor: 'Teltonika',
    model: 'RUT955',
    virtual: false,
    cpus: [
      {
        model: 'MIPS 24Kc V7.4',
        mhz: 650,
        cores: [1],
        cacheKb: 64,
        cpuid: { family: 0, model: 0, stepping: 0 },
      },
    ],
    memoryGb: [0.125],
    ouis: ['00:1E:42'],
    serial: (random) => draw(random, '0123456789', 10),
  },
  stack: 'embedded-linux',
  nmapClass: { vendor: 'Linux', osFamily: 'Linux', deviceType: 'broadband router' },
  products: {
    ssh: product('dropbear', '2022.83', 'dropbear'),
    telnet: product('busybox', '1.36.1', 'BusyBox v1.36.1'),
    mqtt: product('mosquitto', '2.0.18', 'mosquitto version 2.0.18'),
    snmp: product('net-snmp', '5.9.1', '5.9.1'),
    http: product('embedded-web', '1.7', 'uhttpd', { device: 'Teltonika RUT955' }),
    https: product('embedded-web', '1.7', 'uhttpd', { device: 'Teltonika RUT955' }),
    dns: product('dnsmasq', '2.89', 'dnsmasq-2.89'),
  },
  hostname: () => 'RUT955',
  loadBase: 0.3,
}

/** What the embedded family's firmware answers with when a device has no server of its own for a slug. */
export const EMBEDDED_FALLBACK: Readonly<Record<string, DeviceProduct>> = {
  ssh: product('dropbear', '2022.83', 'dropbear_2022.83'),
  telnet: product('busybox', '1.36.1', 'BusyBox v1.36.1'),
  http: product('embedded-web', '1.0', 'lighttpd'),
  https: product('embedded-web', '1.0', 'lighttpd'),
  ftp: product('embedded-ftp', '1.0', 'FTP server ready'),
  dns: product('dnsmasq', '2.89', 'dnsmasq-2.89'),
  mqtt: product('mosquitto', '2.0.18', 'mosquitto version 2.0.18'),
  snmp: product('embedded-snmp', '1.0', 'Embedded SNMP agent'),
  tftp: product('embedded-tftp', '1.0', 'tftpd'),
  vnc: product('libvncserver', '0.9.14', 'RFB 003.008'),
  conpot: product('siemens-s7', 'V3.2.17', 'Siemens, SIMATIC, S7-300', {
    vendor: 'Siemens',
    model: 'CPU 315-2 PN/DP',
    firmware: 'V3.2.17',
  }),
  sip: product('asterisk', '20.5.2', 'Asterisk PBX 20.5.2'),
}

export const EMBEDDED_DEVICES = { printer: HP_LASERJET, ics: SIEMENS_S7, gateway: TELTONIKA_RUT955 } as const

export const FREEBSD: Omit<DeviceProfile, 'hardware' | 'hostname'> = {
  id: 'freebsd-14.1',
  os: {
    vendor: 'The FreeBSD Project',
    name: 'FreeBSD 14.1-RELEASE-p6',
    id: 'freebsd',
    versionId: '14.1',
    codename: null,
    kernel: '14.1-RELEASE-p6',
    kernelVersion: 'FreeBSD 14.1-RELEASE-p6 GENERIC',
    arch: 'amd64',
  },
  stack: 'bsd',
  nmapClass: { vendor: 'FreeBSD', osFamily: 'FreeBSD', deviceType: 'general purpose' },
  products: {
    ssh: product('openssh', '9.7p1', 'OpenSSH_9.7 FreeBSD-20240701'),
    // FreeBSD's telnetd is the BSD original netkit's Linux telnetd was ported from.
    telnet: product('linux-telnetd', '14.1', 'FreeBSD/amd64'),
    vnc: product('libvncserver', '0.9.14', 'RFB 003.008'),
    http: product('nginx', '1.26.2', 'nginx/1.26.2'),
    https: product('nginx', '1.26.2', 'nginx/1.26.2'),
    ftp: product('vsftpd', '3.0.5', '(vsFTPd 3.0.5)'),
    smb: product('samba', '4.16.11', '4.16.11'),
    nbns: product('samba', '4.16.11', '4.16.11'),
    ldap: product('openldap', '2.6.8', '2.6.8'),
    dns: product('bind', '9.18.30', '9.18.30'),
    smtp: product('sendmail', '8.18.1', 'ESMTP Sendmail 8.18.1/8.18.1'),
    smtp_relay: product('sendmail', '8.18.1', 'ESMTP Sendmail 8.18.1/8.18.1'),
    imap: product('dovecot', '2.3.21.1', 'Dovecot ready.'),
    pop3: product('dovecot', '2.3.21.1', 'Dovecot ready.'),
    mysql: product('mysql', '8.0.40', '8.0.40'),
    postgres: product('postgresql', '16.6', '16.6'),
    redis: product('redis', '7.2.6', '7.2.6'),
    mqtt: product('mosquitto', '2.0.20', 'mosquitto version 2.0.20'),
    snmp: product('net-snmp', '5.9.4', '5.9.4'),
    sip: product('asterisk', '20.10.0', 'Asterisk PBX 20.10.0'),
  },
  loadBase: 0.2,
}

export const CISCO_IOS: Omit<DeviceProfile, 'hostname'> = {
  id: 'cisco-c2960x',
  os: {
    vendor: 'Cisco',
    name: 'Cisco IOS 15.2(7)E10',
    id: 'ios',
    versionId: '15.2(7)E10',
    codename: null,
    kernel: '15.2(7)E10',
    kernelVersion:
      'Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E10, RELEASE SOFTWARE (fc2)',
    arch: 'ppc',
  },
  hardware: {
    id: 'c2960x',
    vendor: 'Cisco Systems, Inc.',
    model: 'WS-C2960X-48FPD-L',
    virtual: false,
    cpus: [
      { model: 'APM86392', mhz: 600, cores: [1], cacheKb: 256, cpuid: { family: 0, model: 0, stepping: 0 } },
    ],
    memoryGb: [0.5],
    ouis: ['00:1B:54', '00:1A:A1', '00:00:0C'],
    serial: (random) =>
      `FOC${draw(random, '0123456789', 4)}${draw(random, 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', 4)}`,
  },
  stack: 'cisco',
  nmapClass: { vendor: 'Cisco', osFamily: 'IOS', deviceType: 'switch' },
  products: {
    ssh: product('cisco-ios', '15.2(7)E10', 'Cisco-1.25'),
    telnet: product('cisco-ios', '15.2(7)E10', 'User Access Verification'),
    http: product('cisco-ios', '15.2(7)E10', 'cisco-IOS'),
    https: product('cisco-ios', '15.2(7)E10', 'cisco-IOS'),
    snmp: product(
      'cisco-ios',
      '15.2(7)E10',
      'Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E10, RELEASE SOFTWARE (fc2)',
      { sysObjectId: '1.3.6.1.4.1.9.1.1208' },
    ),
    tftp: product('embedded-tftp', '15.2(7)E10', 'Cisco TFTP'),
  },
  loadBase: 0.1,
}
