/**
 * Flags the events DECNET's own readiness probes cause as `system` before they are stored, from the
 * probe sources the prober committed before connecting (probe/probe-ledger.ts has the why).
 *
 * Before each batch is written, the sources recorded since the last look are read (one indexed query
 * per batch, whichever process probed); each event is then one map lookup on (decky, address, port)
 * plus a time-window check, so ingest stays as fast as before.
 */
import type { LogEventInput, ProbeSourceRow } from '@decnet/db'
import { PROBE_SOURCE_RETENTION_MS } from '../probe/probe-ledger.ts'

export type ProbeSourceReader = {
  since(afterId: number, validAfter: Date): Promise<ProbeSourceRow[]>
}

type Window = { from: number; until: number }

const key = (decky: string, ip: string, port: number) => `${decky}\u0000${ip}\u0000${port}`

export class SystemTrafficFilter {
  private readonly windows = new Map<string, Window[]>()
  private lastId = 0
  private nextPrune = 0

  constructor(private readonly sources: ProbeSourceReader) {}

  /** Reads the sources recorded since the last call (all retained ones on the first). */
  async refresh(now = Date.now()): Promise<void> {
    const validAfter = new Date(now - PROBE_SOURCE_RETENTION_MS)
    for (;;) {
      const rows = await this.sources.since(this.lastId, validAfter)
      for (const row of rows) {
        this.lastId = Math.max(this.lastId, row.id)
        const k = key(row.decky, row.sourceIp, row.sourcePort)
        const window = { from: row.validFrom.getTime(), until: row.validUntil.getTime() }
        const list = this.windows.get(k)
        if (list) list.push(window)
        else this.windows.set(k, [window])
      }
      if (rows.length === 0) break
    }
    if (now >= this.nextPrune) this.prune(validAfter.getTime(), now)
  }

  /** Whether a probe of ours was this event's source. */
  isProbe(event: LogEventInput): boolean {
    if (event.attackerPort === null || event.attackerPort === undefined) return false
    const windows = this.windows.get(key(event.decky, event.attackerIp, event.attackerPort))
    if (!windows) return false
    const at = event.timestamp.getTime()
    return windows.some((window) => at >= window.from && at <= window.until)
  }

  /** Refreshes, then sets `system` on every event of the batch a probe of ours caused. */
  async flag(batch: LogEventInput[]): Promise<void> {
    await this.refresh()
    if (this.windows.size === 0) return
    for (const event of batch) if (this.isProbe(event)) event.system = true
  }

  private prune(oldest: number, now: number) {
    this.nextPrune = now + 3_600_000
    for (const [k, windows] of this.windows) {
      const kept = windows.filter((window) => window.until >= oldest)
      if (kept.length === 0) this.windows.delete(k)
      else if (kept.length !== windows.length) this.windows.set(k, kept)
    }
  }
}
