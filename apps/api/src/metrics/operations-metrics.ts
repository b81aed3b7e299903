// The operators' Prometheus metrics: what flows (events ingested, lifecycle outcomes: counters fed
// by the bus as they happen) and what stands (deckies, the runner's queue, alert deliveries: gauges
// read from the database when scraped, so every API process reports the same fleet).
import type { DecnetDatabase } from '@decnet/db'
import type { Bus } from '@decnet/lifecycle'
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client'

export type OperationsMetrics = {
  registry: Registry
  /** The exposition text of one scrape (reads the database once). */
  scrape(): Promise<{ contentType: string; body: string }>
  close(): void
}

export function createOperationsMetrics(db: DecnetDatabase, bus: Bus): OperationsMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'decnet_api_' })

  const ingested = new Counter({
    name: 'decnet_events_ingested_total',
    help: 'Attacker events stored by ingest (rate() of it is the ingest rate)',
    registers: [registry],
  })
  const lifecycleOutcomes = new Counter({
    name: 'decnet_lifecycle_operations_total',
    help: 'Lifecycle operations (deploy, teardown, mutate, repair…) that finished, by outcome',
    labelNames: ['operation', 'status'] as const,
    registers: [registry],
  })
  // One database read per scrape feeds the three gauges below; the first collect() starts it.
  let pendingSnapshot: ReturnType<DecnetDatabase['operationsMetrics']['snapshot']> | undefined
  const snapshot = () => {
    pendingSnapshot ??= db.operationsMetrics.snapshot().finally(() => {
      pendingSnapshot = undefined
    })
    return pendingSnapshot
  }
  new Gauge({
    name: 'decnet_deckies',
    help: 'Deckies in the fleet, by state',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      for (const [state, count] of Object.entries((await snapshot()).deckiesByState))
        this.set({ state }, count)
    },
  })
  new Gauge({
    name: 'decnet_lifecycle_queue',
    help: 'Lifecycle operations waiting for (pending) or held by (running) a runner',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const { pending, running } = (await snapshot()).lifecycleByStatus
      this.set({ status: 'pending' }, pending)
      this.set({ status: 'running' }, running)
    },
  })
  new Gauge({
    name: 'decnet_alert_deliveries',
    help: 'Alert deliveries by status (pending and failed are still to be sent; dead gave up)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      for (const [status, count] of Object.entries((await snapshot()).deliveriesByStatus))
        this.set({ status }, count)
    },
  })

  const unsubscribe = [
    bus.on('log.ingested', (event) => {
      if (event.type === 'log.ingested') ingested.inc(event.payload.count)
    }),
    bus.on('decky.*.lifecycle', (event) => {
      if (event.type !== 'lifecycle') return
      const { operation, status } = event.payload
      if (status === 'succeeded' || status === 'failed') lifecycleOutcomes.inc({ operation, status })
    }),
  ]

  return {
    registry,
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() }
    },
    close() {
      for (const off of unsubscribe) off()
      registry.clear()
    },
  }
}
