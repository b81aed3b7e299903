import type { Emulator } from '../emulator.ts'
import { conpotEmulator } from './conpot.ts'
import { dnsEmulator } from './dns.ts'
import { ldapEmulator } from './ldap.ts'
import { llmnrEmulator } from './llmnr.ts'
import { mongodbEmulator } from './mongodb.ts'
import { mqttEmulator } from './mqtt.ts'
import { mssqlEmulator } from './mssql.ts'
import { mysqlEmulator } from './mysql.ts'
import { postgresEmulator } from './postgres.ts'
import { rdpEmulator } from './rdp.ts'
import { smbEmulator } from './smb.ts'
import { snmpEmulator } from './snmp.ts'
import { tftpEmulator } from './tftp.ts'
import { vncEmulator } from './vnc.ts'

/** Binary protocols: smb, rdp, ldap, llmnr, dns, mysql, postgres, mssql, mongodb, mqtt, snmp, tftp, vnc, conpot. */
export const binaryProtocolEmulators: Emulator[] = [
  mysqlEmulator,
  postgresEmulator,
  mqttEmulator,
  rdpEmulator,
  vncEmulator,
  tftpEmulator,
  dnsEmulator,
  llmnrEmulator,
  snmpEmulator,
  conpotEmulator,
  ldapEmulator,
  smbEmulator,
  mssqlEmulator,
  mongodbEmulator,
]
