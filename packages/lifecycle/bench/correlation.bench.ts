/**
 * One correlation pass (issue 16) over a busy fleet in SQLite: `attempts` credential attempts from
 * `ips` source addresses over 10 deckies (a shared 2,000-password wordlist plus one password per
 * address), each address with a HASSH from one of ips/20 tools and a user agent, and one download URL
 * per 10 addresses. `pnpm exec tsx bench/correlation.bench.ts [attempts] [ips] [runs]` from packages/lifecycle.
 *
 * Prints the median of `runs` passes, split into reading the shared traits, correlating them and
 * rebuilding the derived tables (credential summaries included). Target: a pass ≤ 10 s of CPU, so the default
 * one-minute period leaves the database mostly to ingest.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDatabase, type LogEventInput, migrate } from '@decnet/db'
import { insertIntelRows } from '@decnet/db/testing'
import { correlate } from '../src/correlation/correlate.ts'

const ATTEMPTS = Number(process.argv[2] ?? 100_000)
const IPS = Number(process.argv[3] ?? 5_000)
const RUNS = Number(process.argv[4] ?? 3)
const TARGET_PASS_MS = 10_000

const ipOf = (i: number) => `198.51.${100 + (i >> 8)}.${i & 255}`

function attempt(n: number): LogEventInput {
  const i = n % IPS
  // Each address walks its own stretch of the wordlist: a word is tried by about attempts/2000 addresses.
  const password = n % 20 === 0 ? `own-${i}` : `word-${(i * 13 + Math.floor(n / IPS) * 7) % 2000}`
  return {
    timestamp: new Date(Date.UTC(2026, 11, 3, 10, 0) + Math.floor((n / ATTEMPTS) * 3_600_000)),
    decky: `decky-${n % 10}`,
    service: 'ssh',
    eventType: 'auth_attempt',
    attackerIp: ipOf(i),
    rawLine: `attempt ${n}`,
    fields: { username: n % 3 === 0 ? 'admin' : 'root', password },
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'decnet-correlation-bench-'))
  try {
    const url = `file:${join(dir, 'fleet.db')}`
    await migrate(url)
    const db = createDatabase(url)
    for (let start = 0; start < ATTEMPTS; start += 2000) {
      const chunk: LogEventInput[] = []
      for (let n = start; n < Math.min(ATTEMPTS, start + 2000); n++) chunk.push(attempt(n))
      await db.logs.ingest(chunk)
    }
    const tools = Math.max(1, Math.floor(IPS / 20))
    await insertIntelRows(url, {
      fingerprints: Array.from({ length: IPS }, (_, i) => [
        { attackerIp: ipOf(i), kind: 'hassh', value: `hassh-${i % tools}` },
        { attackerIp: ipOf(i), kind: 'user_agent', value: `agent-${i % 7}` },
      ]).flat(),
      iocs: Array.from({ length: IPS }, (_, i) => ({
        attackerIp: ipOf(i),
        kind: 'url',
        value: `http://203.0.113.${Math.floor(i / 10) % 200}/x${Math.floor(i / 10)}`,
      })),
      techniques: Array.from({ length: IPS }, (_, i) => ({ attackerIp: ipOf(i), technique: 'T1105' })),
    })
    const read: number[] = []
    const compute: number[] = []
    const write: number[] = []
    // This process's CPU time (SQLite runs in it): what a pass costs whatever else the machine runs.
    const cpuMs: number[] = []
    let shape = ''
    for (let run = 0; run < RUNS; run++) {
      const cpuBefore = process.cpuUsage()
      const t0 = performance.now()
      const inputs = await db.correlation.inputs()
      const t1 = performance.now()
      const result = correlate(inputs)
      const t2 = performance.now()
      const written = await db.correlation.replace(result)
      const t3 = performance.now()
      const cpu = process.cpuUsage(cpuBefore)
      cpuMs.push((cpu.user + cpu.system) / 1000)
      read.push(t1 - t0)
      compute.push(t2 - t1)
      write.push(t3 - t2)
      shape = `${result.identities.filter((i) => i.members.length > 1).length} identities, ${result.campaigns.length} campaigns, ${written.credentialSummaries} credential summaries${result.truncated ? ' (capped)' : ''}`
    }
    await db.close()
    const total = median(cpuMs)
    const inputs = await createDatabase(url).correlation.inputs()
    console.log(
      `  inputs: ${inputs.fingerprints.length} fingerprint, ${inputs.credentials.length} credential, ${inputs.iocs.length} indicator rows`,
    )
    console.log(`correlation pass: ${ATTEMPTS} attempts from ${IPS} addresses → ${shape}`)
    console.log(
      `  read ${median(read).toFixed(0)} ms, correlate ${median(compute).toFixed(0)} ms, rebuild ${median(write).toFixed(0)} ms; pass CPU ${total.toFixed(0)} ms (target ≤ ${TARGET_PASS_MS} ms) ${total <= TARGET_PASS_MS ? 'OK' : 'MISSED'}`,
    )
    if (total > TARGET_PASS_MS) process.exitCode = 1
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
