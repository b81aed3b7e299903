import type { Emulator } from '../emulator.ts'
import { mysqlEmulator } from './mysql.ts'
import { postgresEmulator } from './postgres.ts'

/** Binary protocols: smb, rdp, ldap, llmnr, dns, mysql, postgres, mssql, mongodb, mqtt, snmp, tftp, vnc, conpot. */
export const binaryProtocolEmulators: Emulator[] = [mysqlEmulator, postgresEmulator]
