/**
 * The enrichment worker: after ingest (on its own timer, woken by `log.ingested`), labels every new
 * attacker address, looks public ones up in the offline geo/ASN databases, and, when reverse DNS is
 * configured, resolves public ones in the background. Nothing here runs in a request handler, and
 * a labelled address (private, loopback, …) is never looked up nor resolved.
 */

import type { DecnetDatabase, EnrichmentInput } from '@decnet/db'
import { PolledWorker } from '../workers/polled-worker.ts'
import { addressLabel } from './address-label.ts'
import type { GeoLookup } from './geo-source.ts'
import type { ReverseDns } from './reverse-dns.ts'

export type EnrichmentDatabase = Pick<DecnetDatabase, 'enrichment'>

export type EnrichmentWorkerOptions = {
  db: EnrichmentDatabase
  geo: GeoLookup
  /** Absent: reverse DNS is off (the default; DECNET_RDNS turns it on). */
  reverseDns?: ReverseDns
  /** Addresses per pass (default 500). */
  batchSize?: number
  /** Sleep once caught up (default 30 s; `wake()` runs a pass sooner). */
  pollMs?: number
  /** A failed reverse lookup is tried again after this long (default 1 h). */
  rdnsRetryMs?: number
  now?: () => Date
  onError?: (error: unknown) => void
}

export type EnrichmentWorkerStats = {
  enriched: number
  labelled: number
  resolved: number
  rdnsFailed: number
  lastError: string | null
}

type EnrichmentCounters = Omit<EnrichmentWorkerStats, 'lastError'>

export type EnrichmentPass = { enriched: number; resolved: number }

export class EnrichmentWorker extends PolledWorker {
  private readonly now: () => Date
  private readonly geoSource: string
  private rdnsRequested = false
  private readonly counters: EnrichmentCounters = {
    enriched: 0,
    labelled: 0,
    resolved: 0,
    rdnsFailed: 0,
  }

  constructor(private readonly options: EnrichmentWorkerOptions) {
    super({ intervalMs: options.pollMs ?? 30_000, onError: options.onError })
    this.now = options.now ?? (() => new Date())
    this.geoSource = options.geo.sourceNames.join(',')
  }

  protected pass(): Promise<void> {
    return this.drain()
  }

  stats(): EnrichmentWorkerStats {
    return { ...this.counters, lastError: this.loop.lastError }
  }

  /** One pass: a batch of new addresses, then a batch of reverse lookups. */
  async runOnce(): Promise<EnrichmentPass> {
    const enriched = await this.enrichBatch()
    const resolved = this.options.reverseDns ? await this.resolveBatch(this.options.reverseDns) : 0
    return { enriched, resolved }
  }

  /** Passes until a batch comes back short. */
  async drain(): Promise<void> {
    const batch = this.options.batchSize ?? 500
    for (;;) {
      const pass = await this.runOnce()
      if (pass.enriched < batch && pass.resolved < batch) return
    }
  }

  private async enrichBatch(): Promise<number> {
    const ips = await this.options.db.enrichment.pending(this.geoSource, this.options.batchSize ?? 500)
    if (ips.length === 0) return 0
    const rows: EnrichmentInput[] = []
    for (const ip of ips) {
      const label = addressLabel(ip)
      const geo = label === null ? await this.options.geo.lookup(ip) : null
      rows.push({
        ip,
        label,
        country: geo?.country ?? null,
        city: geo?.city ?? null,
        asn: geo?.asn ?? null,
        org: geo?.org ?? null,
        geoSource: this.geoSource,
        enrichedAt: this.now(),
        rdnsStatus: label === null && this.options.reverseDns ? 'pending' : 'skipped',
      })
      if (label !== null) this.counters.labelled++
    }
    await this.options.db.enrichment.save(rows)
    this.counters.enriched += rows.length
    return rows.length
  }

  private async resolveBatch(reverseDns: ReverseDns): Promise<number> {
    if (!this.rdnsRequested) {
      // Addresses enriched while reverse DNS was off are queued once, when it is first on.
      await this.options.db.enrichment.requestRdns()
      this.rdnsRequested = true
    }
    const retryBefore = new Date(this.now().getTime() - (this.options.rdnsRetryMs ?? 3_600_000))
    const ips = await this.options.db.enrichment.rdnsPending(this.options.batchSize ?? 500, retryBefore)
    // ReverseDns caps the queries in flight; their answers are written as they come.
    await Promise.all(
      ips.map(async (ip) => {
        const answer = await reverseDns.resolve(ip)
        if (answer.status === 'failed') this.counters.rdnsFailed++
        else this.counters.resolved++
        await this.options.db.enrichment.saveRdns(ip, {
          rdns: answer.name,
          status: answer.status,
          at: this.now(),
        })
      }),
    )
    return ips.length
  }
}
