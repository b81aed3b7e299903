// kill -9 of the worker's process mid-stream, then a restart: every event is counted once, every
// incident and alert exists once, exactly as an uninterrupted run leaves them.
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createDatabase, type DecnetDatabase, type LogEventInput } from '@decnet/db'
import { describe, expect, it } from 'vitest'
import { IncidentWorker } from '../src/index.ts'
import { incidentDatabases } from './support/incident-databases.ts'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const T = (minute: number) => new Date(Date.UTC(2026, 11, 3, 10, minute))

function stream(): LogEventInput[] {
  const events: LogEventInput[] = []
  for (let n = 0; n < 3000; n++) {
    const ip = `198.51.100.${n % 60}`
    const step = Math.floor(n / 60)
    events.push({
      timestamp: T(Math.floor(step / 5)),
      decky: `decky-0${step % 2}`,
      service: 'ssh',
      // Severity rises along the stream (connect → attempt → success), so escalations happen mid-stream.
      eventType: step < 10 ? 'connect' : step === 49 ? 'command' : 'auth_attempt',
      attackerIp: ip,
      attackerPort: 40000 + n,
      rawLine: `event ${n}`,
      fields: step < 10 ? {} : { username: 'root', password: `pw${step % 3}`, success: step > 40 },
    })
  }
  return events
}

/** Runs the child until it prints `killAfter` steps, then SIGKILLs it; resolves with the steps seen. */
function runChild(url: string, killAfter?: number): Promise<{ steps: number; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/incident-worker-child.ts', url, '50'],
      { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let steps = 0
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.stdout?.on('data', (chunk: Buffer) => {
      steps += chunk
        .toString()
        .split('\n')
        .filter((line) => line.startsWith('step ')).length
      if (killAfter !== undefined && steps >= killAfter) child.kill('SIGKILL')
    })
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ steps, killed: true })
      else if (code === 0) resolve({ steps, killed: false })
      else reject(new Error(`worker child exited ${code}: ${stderr}`))
    })
  })
}

async function outcome(db: DecnetDatabase) {
  const { rows } = await db.incidents.list({ limit: 500 })
  const alerts = await db.incidents.alertsAfter(0, 1000)
  const ipOf = new Map(rows.map((row) => [row.id, row.attackerIp]))
  return {
    incidents: rows
      .map((row) => `${row.attackerIp} ${row.eventCount} ${row.severity} ${row.deckies.join(',')}`)
      .sort(),
    alerts: alerts.map((a) => `${ipOf.get(a.incidentId ?? '')} ${a.reason} ${a.severity}`).sort(),
    keys: new Set(alerts.map((a) => a.idempotencyKey)).size,
    alertCount: alerts.length,
  }
}

describe.each(incidentDatabases())('incident worker durability on $kind', (provider) => {
  it('kill -9 mid-stream and restart: nothing lost, nothing twice', async () => {
    const events = stream()
    const killedUrl = await provider.freshUrl()
    const cleanUrl = await provider.freshUrl()
    const killedDb = createDatabase(killedUrl)
    const cleanDb = createDatabase(cleanUrl)
    try {
      for (const db of [killedDb, cleanDb]) {
        for (let start = 0; start < events.length; start += 500)
          await db.logs.ingest(events.slice(start, start + 500))
      }
      // The reference: one uninterrupted run in this process.
      await new IncidentWorker({
        db: cleanDb,
        batchSize: 50,
        now: () => new Date(Date.UTC(2026, 11, 3, 10, 30)),
      }).drain()

      const first = await runChild(killedUrl, 12)
      expect(first.killed).toBe(true)
      const partial = await outcome(killedDb)
      // Killed part-way: some work committed, not all of it.
      expect(partial.alertCount).toBeGreaterThan(0)
      expect(partial.incidents.reduce((sum, line) => sum + Number(line.split(' ')[1]), 0)).toBeLessThan(
        events.length,
      )
      const second = await runChild(killedUrl)
      expect(second.killed).toBe(false)

      const recovered = await outcome(killedDb)
      const reference = await outcome(cleanDb)
      expect(recovered.incidents).toHaveLength(60)
      expect(recovered.incidents.reduce((sum, line) => sum + Number(line.split(' ')[1]), 0)).toBe(
        events.length,
      )
      expect(recovered.keys).toBe(recovered.alertCount)
      expect(recovered.incidents).toEqual(reference.incidents)
      expect(recovered.alerts).toEqual(reference.alerts)
      expect(recovered.alerts.filter((line) => line.includes(' opened '))).toHaveLength(60)
    } finally {
      await killedDb.close()
      await cleanDb.close()
    }
  }, 240_000)
})
