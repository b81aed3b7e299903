// Windows builds a persona may claim, with what each build really negotiates: SMB2/3 dialects
// (Windows 8.1/2012 R2 stop at 3.0.2; 10/2016 and later add 3.1.1) and the TLS versions SChannel
// enables by default (TLS 1.3 only from Windows 11 / Server 2022). UBRs are the November 2024
// cumulative updates.
import type { WindowsBuild } from '../schemas/persona.ts'

export interface WindowsRelease {
  id: string
  /** Product names by edition. */
  editions: readonly string[]
  build: Omit<WindowsBuild, 'productName'>
  /** The matching kernel/NT version shown by `ver` and SNMP: `6.3` for every Windows 10+ build. */
  ntVersion: string
  /** IIS shipped with the build. */
  iis: string
  /** SQL Server releases plausibly installed on it: year → version and CU label. */
  sql: readonly { year: string; version: string; level: string }[]
  /** Exchange releases supported on it (servers only). */
  exchange: readonly { name: string; version: string; cu: string }[]
  /** OpenSSH for Windows shipped as a feature (`OpenSSH_for_Windows_8.1`), or none. */
  openssh: string | null
}

const SMB_3_1_1 = ['2.0.2', '2.1', '3.0', '3.0.2', '3.1.1']
const SQL_2016 = { year: '2016', version: '13.0.6300.2', level: 'SP3' }
const SQL_2017 = { year: '2017', version: '14.0.3456.2', level: 'RTM-CU31' }
const SQL_2019 = { year: '2019', version: '15.0.4322.2', level: 'RTM-CU22' }
const SQL_2022 = { year: '2022', version: '16.0.4165.4', level: 'RTM-CU16' }
const EXCHANGE_2016 = { name: 'Exchange Server 2016', version: '15.1.2507.6', cu: 'CU23' }
const EXCHANGE_2019 = { name: 'Exchange Server 2019', version: '15.2.1544.4', cu: 'CU14' }

export const WINDOWS_WORKSTATION_RELEASES: readonly WindowsRelease[] = [
  {
    id: 'win10-22h2',
    editions: ['Windows 10 Pro', 'Windows 10 Enterprise'],
    build: {
      major: 10,
      minor: 0,
      build: 19045,
      ubr: 5131,
      displayVersion: '22H2',
      server: false,
      smbDialects: SMB_3_1_1,
      tlsVersions: ['1.0', '1.1', '1.2'],
    },
    ntVersion: '6.3',
    iis: '10.0',
    sql: [{ ...SQL_2019, level: 'RTM', version: '15.0.2000.5' }],
    exchange: [],
    openssh: 'OpenSSH_for_Windows_8.1',
  },
  {
    id: 'win11-23h2',
    editions: ['Windows 11 Pro', 'Windows 11 Enterprise'],
    build: {
      major: 10,
      minor: 0,
      build: 22631,
      ubr: 4460,
      displayVersion: '23H2',
      server: false,
      smbDialects: SMB_3_1_1,
      tlsVersions: ['1.0', '1.1', '1.2', '1.3'],
    },
    ntVersion: '6.3',
    iis: '10.0',
    sql: [{ year: '2022', version: '16.0.1000.6', level: 'RTM' }],
    exchange: [],
    // Windows 11 up to 23H2 ships OpenSSH 8.6 as an optional feature (24H2 moved to 9.5).
    openssh: 'OpenSSH_for_Windows_8.6',
  },
]

export const WINDOWS_SERVER_RELEASES: readonly WindowsRelease[] = [
  {
    id: 'server2016',
    editions: ['Windows Server 2016 Standard', 'Windows Server 2016 Datacenter'],
    build: {
      major: 10,
      minor: 0,
      build: 14393,
      ubr: 7515,
      displayVersion: '1607',
      server: true,
      smbDialects: SMB_3_1_1,
      tlsVersions: ['1.0', '1.1', '1.2'],
    },
    ntVersion: '6.3',
    iis: '10.0',
    sql: [SQL_2016, SQL_2017],
    exchange: [EXCHANGE_2016],
    openssh: null,
  },
  {
    id: 'server2019',
    editions: ['Windows Server 2019 Standard', 'Windows Server 2019 Datacenter'],
    build: {
      major: 10,
      minor: 0,
      build: 17763,
      ubr: 6532,
      displayVersion: '1809',
      server: true,
      smbDialects: SMB_3_1_1,
      tlsVersions: ['1.0', '1.1', '1.2'],
    },
    ntVersion: '6.3',
    iis: '10.0',
    sql: [SQL_2017, SQL_2019],
    exchange: [EXCHANGE_2019, EXCHANGE_2016],
    openssh: 'OpenSSH_for_Windows_7.7',
  },
  {
    id: 'server2022',
    editions: ['Windows Server 2022 Standard', 'Windows Server 2022 Datacenter'],
    build: {
      major: 10,
      minor: 0,
      build: 20348,
      ubr: 2849,
      displayVersion: '21H2',
      server: true,
      smbDialects: SMB_3_1_1,
      tlsVersions: ['1.0', '1.1', '1.2', '1.3'],
    },
    ntVersion: '6.3',
    iis: '10.0',
    sql: [SQL_2019, SQL_2022],
    exchange: [EXCHANGE_2019],
    openssh: 'OpenSSH_for_Windows_8.1',
  },
]
