/**
 * The probe ledger: how DECNET tells its own readiness probes from attack traffic.
 *
 * Every event a decoy emits carries the peer's `src_ip` and `src_port`. Before a readiness probe
 * connects, it chooses its own source port (and the address the kernel routes it from) and commits
 * that (decky, address, port, validity window) here; the ingest pipeline flags the events from such a
 * source as `system` (ingest/system-traffic.ts). Because the row is committed before the first SYN or
 * datagram, an event can never reach ingest before its source is known, in this process or another.
 *
 * Why not the address alone: tests, an operator's curl and real attackers share 127.0.0.1, the bridge
 * gateway or the DECNET machine's LAN address with the prober. Why not a payload signature the decoys
 * recognise: it would change what an attacker sees (and a TCP probe sends nothing). An attacker cannot
 * spoof the source: they would need our randomly chosen port, from our address, during the window.
 *
 * Limits (stated, not hidden): a NAT between DECNET and a remote host's decky network that rewrites
 * the source address or port hides the source (the README asks for a routed decky network); decoy
 * clocks more than CLOCK_SKEW_MS off ours put the events outside the window.
 */
import type { ProbeSourceInput } from '@decnet/db'

export type ProbeSource = ProbeSourceInput

/** Where probe sources are committed before probing: `db.probeSources` in production. */
export interface ProbeLedger {
  record(sources: readonly ProbeSource[]): Promise<void>
}

/** How far a decoy's clock may be from ours (remote hosts): widens each source's window both ways. */
export const CLOCK_SKEW_MS = 60_000
/** A TCP probe hangs up with FIN and lets go after 1 s: its `disconnect` event may come that late. */
export const PROBE_LINGER_MS = 2_000
/**
 * How long a source is remembered after its window: a collector catching up on an enrolled host's
 * logs after a long outage, or after an API restart, still recognises the probes among them.
 */
export const PROBE_SOURCE_RETENTION_MS = 30 * 86_400_000

/** The ledger over the database; prunes expired sources at most once an hour. */
export function databaseProbeLedger(probeSources: {
  record(sources: readonly ProbeSource[]): Promise<void>
  prune(before: Date): Promise<number>
}): ProbeLedger {
  let nextPrune = 0
  return {
    async record(sources) {
      await probeSources.record(sources)
      const now = Date.now()
      if (now < nextPrune) return
      nextPrune = now + 3_600_000
      await probeSources.prune(new Date(now - PROBE_SOURCE_RETENTION_MS))
    },
  }
}
