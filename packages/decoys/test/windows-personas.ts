// Personas of known Windows builds and of a Samba host, written out so each protocol test pins the
// build it checks (derivePersona picks builds at random per seed).
import { type Persona, type ServiceProduct, type WindowsBuild, ZPersona } from '@decnet/core/schemas'
import { DEBIAN_12 } from './debian-12.ts'

const SMB_3_1_1 = ['2.0.2', '2.1', '3.0', '3.0.2', '3.1.1']
const now = Math.floor(Date.now() / 1000)

export const BUILDS = {
  server2022: {
    major: 10,
    minor: 0,
    build: 20348,
    ubr: 2849,
    productName: 'Windows Server 2022 Standard',
    displayVersion: '21H2',
    server: true,
    smbDialects: SMB_3_1_1,
    tlsVersions: ['1.0', '1.1', '1.2', '1.3'],
  },
  server2016: {
    major: 10,
    minor: 0,
    build: 14393,
    ubr: 7515,
    productName: 'Windows Server 2016 Standard',
    displayVersion: '1607',
    server: true,
    smbDialects: SMB_3_1_1,
    tlsVersions: ['1.0', '1.1', '1.2'],
  },
  server2019: {
    major: 10,
    minor: 0,
    build: 17763,
    ubr: 6532,
    productName: 'Windows Server 2019 Standard',
    displayVersion: '1809',
    server: true,
    smbDialects: SMB_3_1_1,
    tlsVersions: ['1.0', '1.1', '1.2'],
  },
  win10: {
    major: 10,
    minor: 0,
    build: 19045,
    ubr: 5131,
    productName: 'Windows 10 Pro',
    displayVersion: '22H2',
    server: false,
    smbDialects: SMB_3_1_1,
    tlsVersions: ['1.0', '1.1', '1.2'],
  },
  server2012r2: {
    major: 6,
    minor: 3,
    build: 9600,
    ubr: 21620,
    productName: 'Windows Server 2012 R2 Standard',
    displayVersion: '',
    server: true,
    smbDialects: ['2.0.2', '2.1', '3.0', '3.0.2'],
    tlsVersions: ['1.0', '1.1', '1.2'],
  },
} satisfies Record<string, WindowsBuild>

const windowsProduct = (build: WindowsBuild): ServiceProduct => ({
  product: 'windows',
  version: `${build.major}.${build.minor}.${build.build}`,
  banner: build.productName,
  attrs: { build: String(build.build), ubr: String(build.ubr) },
})

export type WindowsPersonaOptions = {
  seed?: string
  hostname?: string
  joined?: boolean
  mac?: string
  bootTime?: number
  sql?: string
}

export function windowsPersona(build: WindowsBuild, options: WindowsPersonaOptions = {}): Persona {
  const nt = `${build.major}.${build.minor}.${build.build}`
  const windows = windowsProduct(build)
  return ZPersona.parse({
    version: 1,
    seed: options.seed ?? '0123456789abcdef0123456789abcdef',
    family: build.server ? 'windows_server' : 'windows',
    stack: 'windows-10',
    nmapClass: { vendor: 'Microsoft', osFamily: 'Windows', deviceType: 'general purpose' },
    os: {
      vendor: 'Microsoft',
      name: build.productName,
      id: 'windows',
      versionId: nt,
      codename: null,
      kernel: `${nt}.${build.ubr}`,
      kernelVersion: `Microsoft Windows [Version ${nt}.${build.ubr}]`,
      arch: 'x86_64',
      windows: build,
    },
    hostname: options.hostname ?? (build.server ? 'FS02' : 'DESKTOP-4F2K9QZ'),
    domain: { netbios: 'KESTREL', dns: 'kestrel.local', joined: options.joined ?? true },
    hardware: {
      vendor: 'Dell Inc.',
      model: 'PowerEdge R640',
      serial: '7X3K2L2',
      cpuModel: 'Intel(R) Xeon(R) Silver 4214 CPU @ 2.20GHz',
      cpuMhz: 2195,
      cpuCores: 8,
      cacheKb: 16896,
      memoryKb: 33554432,
    },
    mac: options.mac ?? '00:15:5d:3a:7c:21',
    machineId: 'fedcba9876543210fedcba9876543210',
    bootTime: options.bootTime ?? now - 9 * 86_400 - 4_321,
    loadBase: 0.4,
    timezone: 'Europe/Berlin',
    services: {
      smb: windows,
      rdp: windows,
      msrpc: windows,
      nbns: windows,
      llmnr: windows,
      ...(build.server
        ? { ldap: { product: 'active-directory', version: nt, banner: build.productName, attrs: {} } }
        : {}),
      mssql: {
        product: 'mssql',
        version: options.sql ?? '15.0.4322.2',
        banner: 'Microsoft SQL Server 2019',
        attrs: { year: '2019', level: 'RTM-CU22' },
      },
    },
  })
}

export function sambaPersona(
  version = '4.17.12',
  options: { seed?: string; hostname?: string } = {},
): Persona {
  const samba: ServiceProduct = { product: 'samba', version, banner: `${version}-Debian`, attrs: {} }
  return ZPersona.parse({
    version: 1,
    seed: options.seed ?? 'aaaabbbbccccddddeeeeffff00001111',
    ...DEBIAN_12,
    hostname: options.hostname ?? 'files-03',
    domain: { netbios: 'KESTREL', dns: 'kestrel.local', joined: false },
    hardware: {
      vendor: 'QEMU',
      model: 'Standard PC (Q35 + ICH9, 2009)',
      serial: '',
      cpuModel: 'Intel Xeon Processor (Cascadelake)',
      cpuMhz: 2294,
      cpuCores: 4,
      cacheKb: 16384,
      memoryKb: 8_388_608,
    },
    mac: '52:54:00:9c:11:e4',
    machineId: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
    bootTime: now - 3 * 86_400,
    loadBase: 0.2,
    timezone: 'Europe/Berlin',
    services: {
      smb: samba,
      nbns: samba,
      ldap: { product: 'openldap', version: '2.5.13', banner: '2.5.13+dfsg-5', attrs: {} },
    },
  })
}
