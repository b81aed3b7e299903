import type { EmulatorLoader } from '../emulator.ts'

/** Binary protocols, each loaded on first use (see protocols-text/index.ts). */
export const binaryProtocolLoaders: Readonly<Record<string, EmulatorLoader>> = {
  mysql: async () => (await import('./mysql.ts')).mysqlEmulator,
  postgres: async () => (await import('./postgres.ts')).postgresEmulator,
  mqtt: async () => (await import('./mqtt.ts')).mqttEmulator,
  rdp: async () => (await import('./rdp.ts')).rdpEmulator,
  vnc: async () => (await import('./vnc.ts')).vncEmulator,
  tftp: async () => (await import('./tftp.ts')).tftpEmulator,
  dns: async () => (await import('./dns.ts')).dnsEmulator,
  llmnr: async () => (await import('./llmnr.ts')).llmnrEmulator,
  snmp: async () => (await import('./snmp.ts')).snmpEmulator,
  conpot: async () => (await import('./conpot.ts')).conpotEmulator,
  ldap: async () => (await import('./ldap.ts')).ldapEmulator,
  smb: async () => (await import('./smb.ts')).smbEmulator,
  msrpc: async () => (await import('./msrpc.ts')).msrpcEmulator,
  nbns: async () => (await import('./nbns.ts')).nbnsEmulator,
  mssql: async () => (await import('./mssql.ts')).mssqlEmulator,
  mongodb: async () => (await import('./mongodb.ts')).mongodbEmulator,
}
