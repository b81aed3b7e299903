// What an operator's Prometheus scrape reads from the database: small GROUP BY counts over indexed
// status columns (never the log table, whose size grows without bound; its rate comes from the bus).
import { DECKY_STATES, DELIVERY_STATUSES, LIFECYCLE_STATUSES } from '@decnet/core'
import type { Connection } from '../client.ts'

/** Row counts per status value; every known value is present (0 when no row has it). */
export type StatusCounts<Status extends string> = Record<Status, number>

export type OperationsSnapshot = {
  deckiesByState: StatusCounts<(typeof DECKY_STATES)[number]>
  lifecycleByStatus: StatusCounts<(typeof LIFECYCLE_STATUSES)[number]>
  deliveriesByStatus: StatusCounts<(typeof DELIVERY_STATUSES)[number]>
}

function countsOf<Status extends string>(
  known: readonly Status[],
  groups: { value: string; count: number }[],
): StatusCounts<Status> {
  const counts = Object.fromEntries(known.map((status) => [status, 0])) as StatusCounts<Status>
  for (const group of groups) {
    if ((known as readonly string[]).includes(group.value)) counts[group.value as Status] = group.count
  }
  return counts
}

export function operationsMetricsRepository(conn: Connection) {
  return {
    /** Deckies by state, lifecycle rows by status (the runner's queue) and alert deliveries by status. */
    snapshot: (): Promise<OperationsSnapshot> =>
      conn.read(async ({ prisma }) => {
        const [deckies, lifecycle, deliveries] = await Promise.all([
          prisma.decky.groupBy({ by: ['state'], _count: { _all: true } }),
          prisma.lifecycle.groupBy({ by: ['status'], _count: { _all: true } }),
          prisma.delivery.groupBy({ by: ['status'], _count: { _all: true } }),
        ])
        return {
          deckiesByState: countsOf(
            DECKY_STATES,
            deckies.map((row) => ({ value: row.state, count: row._count._all })),
          ),
          lifecycleByStatus: countsOf(
            LIFECYCLE_STATUSES,
            lifecycle.map((row) => ({ value: row.status, count: row._count._all })),
          ),
          deliveriesByStatus: countsOf(
            DELIVERY_STATUSES,
            deliveries.map((row) => ({ value: row.status, count: row._count._all })),
          ),
        }
      }),
  }
}
