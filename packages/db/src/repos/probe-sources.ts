// Probe sources: the (address, port) each of DECNET's own readiness probes connects from, recorded
// before it connects, read by the ingest pipeline to flag the events those probes cause as system
// traffic (packages/lifecycle/src/probe/probe-ledger.ts has the why).
import type { PortProtocol } from '@decnet/core'
import type { Connection } from '../client.ts'
import { type SqlArg, toDate, toNumber, valuesPlaceholders } from '../sql.ts'

export interface ProbeSourceInput {
  decky: string
  sourceIp: string
  sourcePort: number
  protocol: PortProtocol
  /** Events from this source count as the probe's between these instants (the decoy's clock). */
  validFrom: Date
  validUntil: Date
}

export interface ProbeSourceRow extends ProbeSourceInput {
  id: number
}

type ProbeSourceRecord = {
  id: unknown
  decky: string
  sourceIp: string
  sourcePort: unknown
  protocol: string
  validFrom: unknown
  validUntil: unknown
}

/** Rows read per `since` call: a restart after a long outage loads the retained rows in pages. */
const PAGE = 5000

export function probeSourcesRepository(conn: Connection) {
  return {
    /** Commits the sources before the caller connects from them. */
    async record(sources: readonly ProbeSourceInput[]): Promise<void> {
      if (sources.length === 0) return
      const args: SqlArg[] = sources.flatMap((s) => [
        s.decky,
        s.sourceIp,
        s.sourcePort,
        s.protocol,
        s.validFrom,
        s.validUntil,
      ])
      await conn.run(() =>
        conn.sql.execute(
          `INSERT INTO "ProbeSource" ("decky", "sourceIp", "sourcePort", "protocol", "validFrom", "validUntil")
           VALUES ${valuesPlaceholders(sources.length, 6)}`,
          args,
        ),
      )
    },

    /** Sources recorded after id `afterId` still valid at `validAfter`, oldest first, one page. */
    since(afterId: number, validAfter: Date): Promise<ProbeSourceRow[]> {
      return conn.read(async ({ sql }) => {
        const rows = await sql.query<ProbeSourceRecord>(
          `SELECT "id", "decky", "sourceIp", "sourcePort", "protocol", "validFrom", "validUntil"
           FROM "ProbeSource" WHERE "id" > $1 AND "validUntil" >= $2 ORDER BY "id" LIMIT $3`,
          [afterId, validAfter, PAGE],
        )
        return rows.map((row) => ({
          id: toNumber(row.id),
          decky: row.decky,
          sourceIp: row.sourceIp,
          sourcePort: toNumber(row.sourcePort),
          protocol: row.protocol === 'udp' ? 'udp' : 'tcp',
          validFrom: toDate(row.validFrom),
          validUntil: toDate(row.validUntil),
        }))
      })
    },

    /** The newest id (0 when empty): a cheap "anything new?" before reading. */
    async newestId(): Promise<number> {
      return conn.read(async ({ sql }) => {
        const [row] = await sql.query<{ id: unknown }>(`SELECT max("id") AS id FROM "ProbeSource"`)
        return row?.id === null || row?.id === undefined ? 0 : toNumber(row.id)
      })
    },

    /** Forgets sources whose validity ended before `before`; returns how many. */
    prune(before: Date): Promise<number> {
      return conn.run(() => conn.sql.execute(`DELETE FROM "ProbeSource" WHERE "validUntil" < $1`, [before]))
    },
  }
}
