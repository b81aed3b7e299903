// A streamed export holds one page, not the file: 1,000,000 log rows (~470 MB of CSV) go through the
// real API process while its resident memory is sampled from /proc; the growth over the process's
// resident size just before the download must stay within 50 MB (issue 15's bound). The download is
// read by a client as fast as it can, so the API's send buffer and backpressure are part of it.
import { readFileSync, rmSync } from 'node:fs'
import { defaultDatabaseUrl } from '@decnet/db'
import { seedBulkLogs } from '@decnet/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readyAdmin } from './support/accounts.ts'
import type { Client } from './support/clients.ts'
import { NO_WORKERS } from './support/in-process.ts'
import { type ServerProcess, startServerProcess } from './support/server.ts'

const ROWS = 1_000_000
const MAX_GROWTH_BYTES = 50 * 1024 * 1024

/** The process's resident set size, from the kernel. */
function residentBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  if (!match) throw new Error(`no VmRSS for process ${pid}`)
  return Number(match[1]) * 1024
}

/** Downloads `url`, counting bytes and line ends without keeping any of it. */
async function drain(url: string): Promise<{ status: number; bytes: number; lines: number; head: string }> {
  const response = await fetch(url)
  let bytes = 0
  let lines = 0
  let head = ''
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.length
    if (head.length < 400) head += Buffer.from(chunk).toString('utf8', 0, 400)
    for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) lines++
  }
  return { status: response.status, bytes, lines, head }
}

describe('a streamed logs export of 1M rows', () => {
  let server: ServerProcess
  let dataDir: string
  let admin: Client

  beforeAll(async () => {
    // The first start migrates the database; the rows go in while no API runs; then the API under test.
    const first = await startServerProcess(NO_WORKERS)
    dataDir = first.dataDir
    await first.kill()
    seedBulkLogs(defaultDatabaseUrl(dataDir), ROWS)
    server = await startServerProcess(NO_WORKERS, dataDir)
    admin = (await readyAdmin(server)).client
  }, 180_000)
  afterAll(async () => {
    await server?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('keeps the API within 50 MB of resident growth and delivers every row', async () => {
    // Warm-up: an export of 50,000 rows (one decky), so what any export needs once (code loaded on
    // first use, the garbage collector's young generation at its working size) is in the baseline:
    // the growth measured is what 20 times the rows add, which for a streamed export is ~nothing.
    const warm = await admin.exports.logs.mutate({ format: 'csv', q: 'decky:bulk-1' })
    const warmed = await drain(`${server.url}${warm.url}`)
    expect(warmed.status).toBe(200)
    expect(warmed.lines).toBe(ROWS / 20 + 1)

    const ticket = await admin.exports.logs.mutate({ format: 'csv' })
    const baseline = residentBytes(server.pid)
    let peak = baseline
    const sampler = setInterval(() => {
      peak = Math.max(peak, residentBytes(server.pid))
    }, 50)
    const started = performance.now()
    const result = await drain(`${server.url}${ticket.url}`).finally(() => clearInterval(sampler))
    peak = Math.max(peak, residentBytes(server.pid))
    const growth = peak - baseline
    const mib = (n: number) => (n / 1024 / 1024).toFixed(1)
    console.log(
      `1M-row CSV export: ${mib(result.bytes)} MiB in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `API RSS ${mib(baseline)} MiB before, peak ${mib(peak)} MiB (growth ${mib(growth)} MiB)`,
    )
    expect(result.status).toBe(200)
    expect(result.head.startsWith('id,timestamp,decky,service,eventType,attackerIp')).toBe(true)
    // Header + one line per row (no field of the seeded rows holds a line break).
    expect(result.lines).toBe(ROWS + 1)
    expect(result.bytes).toBeGreaterThan(ROWS * 200)
    expect(growth).toBeLessThanOrEqual(MAX_GROWTH_BYTES)
  }, 600_000)
})
