// The decoy lines the ingest benches push through the pipeline: ssh auth attempts with credentials,
// shell commands, http requests and connects from `sources` attackers against 20 deckies, and 1 line
// in 100 from one of PROBE_PORTS readiness-probe sources (stored flagged as system traffic).
import type { DecnetDatabase } from '@decnet/db'

export const LINES_START = Date.UTC(2026, 10, 25, 12, 0, 0)
const PROBER = '172.31.77.1'
const PROBE_PORTS = 200

export const isProbeLine = (i: number) => i % 100 === 99

/** Line `i` (its timestamp is `i` ms after LINES_START). */
export function decoyLine(i: number, sources: number): string {
  const ts = new Date(LINES_START + i).toISOString()
  if (isProbeLine(i)) {
    const probe = {
      ts,
      decky: 'decky-19',
      src_ip: PROBER,
      src_port: 33_000 + (Math.floor(i / 100) % PROBE_PORTS),
    }
    return JSON.stringify({ ...probe, service: 'ssh', event: 'connect', fields: { local_port: 22 } })
  }
  const source = i % sources
  const ip = `203.0.${source >> 8}.${source & 255}`
  const decky = `decky-${String(i % 20).padStart(2, '0')}`
  const base = { ts, decky, src_ip: ip, src_port: 40_000 + (i % 20_000) }
  switch (i % 4) {
    case 0:
      return JSON.stringify({
        ...base,
        service: 'ssh',
        event: 'auth_attempt',
        fields: { username: 'root', password: `pw${i % 97}`, method: 'password' },
        secret_fields: ['password'],
      })
    case 1:
      return JSON.stringify({
        ...base,
        service: 'ssh',
        event: 'command',
        fields: { command: `cat /etc/passwd #${i}` },
      })
    case 2:
      return JSON.stringify({
        ...base,
        service: 'http',
        event: 'request',
        fields: { method: 'GET', path: `/wp-login.php?id=${i}`, user_agent: 'Mozilla/5.0 zgrab/0.x' },
      })
    default:
      return JSON.stringify({ ...base, service: 'http', event: 'connect', fields: {} })
  }
}

/** Records the probe sources the probe lines come from, valid for `lines` lines' time span. */
export function recordProbeSources(db: DecnetDatabase, lines: number): Promise<void> {
  return db.probeSources.record(
    Array.from({ length: PROBE_PORTS }, (_, port) => ({
      decky: 'decky-19',
      sourceIp: PROBER,
      sourcePort: 33_000 + port,
      protocol: 'tcp' as const,
      validFrom: new Date(LINES_START - 60_000),
      validUntil: new Date(LINES_START + lines + 60_000),
    })),
  )
}
