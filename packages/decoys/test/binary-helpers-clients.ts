import snmp from 'net-snmp'
import pg from 'pg'

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

/**
 * A PostgreSQL login by a real client (node-postgres, 3 s to connect unless `login` says otherwise) to
 * `target`: resolves with the server's refusal, or undefined when it let the client in.
 */
export async function pgLoginError(
  target: { host: string; port: number },
  login: Omit<pg.ClientConfig, 'host' | 'port'>,
): Promise<(Error & { code?: string }) | undefined> {
  const client = new pg.Client({
    connectionTimeoutMillis: 3000,
    ...login,
    host: target.host,
    port: target.port,
  })
  const error = await client.connect().then(
    () => undefined,
    (failure: Error & { code?: string }) => failure,
  )
  await client.end().catch(() => undefined)
  return error
}
