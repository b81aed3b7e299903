import snmp from 'net-snmp'

/** One SNMP GET with a real client (net-snmp), no retries, short timeout. */
export function snmpGet(
  host: string,
  port: number,
  community: string,
  oids: string[],
  version: 0 | 1 = snmp.Version2c,
): Promise<snmp.Varbind[]> {
  const session = snmp.createSession(host, community, { port, version, timeout: 400, retries: 0 })
  return new Promise<snmp.Varbind[]>((resolve, reject) => {
    session.get(oids, (error, varbinds) => {
      session.close()
      if (error) reject(error)
      else resolve(varbinds ?? [])
    })
  })
}
