// Real SSH clients (Debian's ssh + sshpass) against real in-process ssh decoys, through the real
// ingest pipeline into SQLite, grouped by the incident worker: the event names and fields the decoys
// emit are the ones the severity rules read.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { sqliteTestDatabase } from '@decnet/db/testing'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { sshpassArgs } from '../../decoys/test/support/ssh-client.ts'
import { IncidentWorker, LocalEngine } from '../src/index.ts'
import { IngestPipeline, localEventSink } from '../src/workers-index.ts'
import { deployAlphaAndBeta, enginesClosedAfterEach } from './support/local-engines.ts'

/** Retries `probe` every 100 ms until it stops throwing (vitest's waitFor). */
const waitUntil = <T>(probe: () => T | Promise<T>, timeout = 20_000) =>
  vi.waitFor(probe, { timeout, interval: 100 })

const run = promisify(execFile)
const engines = enginesClosedAfterEach()
const provider = sqliteTestDatabase()
afterAll(() => provider.cleanup())

const ssh = { slug: 'ssh', ports: [{ port: 2222, protocol: 'tcp' as const }], config: {} }

/** One password login with the real OpenSSH client; true when it got in (and ran `command`). */
async function login(address: string, password: string, command = 'id'): Promise<boolean> {
  try {
    await run(
      'sshpass',
      sshpassArgs({
        address,
        password,
        port: 2222,
        command,
        connectTimeoutSeconds: 10,
        authentications: 'password,keyboard-interactive',
      }),
      { timeout: 20_000 },
    )
    return true
  } catch {
    return false
  }
}

describe('incidents from real SSH logins on in-process decoys', () => {
  it('failed logins open one medium incident with one alert; the same password on a second decky is critical and noted; a login with a command is recorded', async () => {
    const { db } = await provider.open()
    const pipeline = new IngestPipeline({ db, flushIntervalMs: 20 })
    const engine = new LocalEngine({ onEvent: localEventSink(pipeline) })
    engines.push(engine)
    const { alpha, beta } = await deployAlphaAndBeta(engine, [ssh])
    const worker = new IncidentWorker({ db, batchSize: 500 })
    const attempts = async (decky: string) =>
      (await db.logs.search({ q: `decky:${decky} event:auth_attempt` })).rows.length

    try {
      for (let i = 0; i < 3; i++) expect(await login(alpha, `wrong-${i}`)).toBe(false)
      await waitUntil(async () => expect(await attempts('alpha')).toBeGreaterThanOrEqual(3))
      await worker.drain()
      const opened = await db.incidents.list()
      expect(opened.total).toBe(1)
      expect(opened.rows[0]).toMatchObject({ decky: 'alpha', severity: 'medium', services: ['ssh'] })
      expect((await db.incidents.alertsAfter(0)).map((a) => a.reason)).toEqual(['opened'])

      // The same wrong password on the second decky: credential reuse, noted on the same incident.
      expect(await login(beta, 'wrong-0')).toBe(false)
      await waitUntil(async () => expect(await attempts('beta')).toBeGreaterThanOrEqual(1))
      await worker.drain()
      const reused = await db.incidents.list()
      expect(reused.total).toBe(1)
      expect(reused.rows[0]).toMatchObject({ deckies: ['alpha', 'beta'], severity: 'critical' })
      expect(reused.rows[0]?.reasons.join(' | ')).toMatch(/also touched beta.*credential reused/)

      // Root's catalogue password gets in; the command is recorded on the incident's events.
      expect(await login(alpha, 'admin', 'uname -a')).toBe(true)
      await waitUntil(async () =>
        expect((await db.logs.search({ q: 'decky:alpha event:command' })).rows.length).toBeGreaterThan(0),
      )
      await worker.drain()
      const [incident] = (await db.incidents.list()).rows
      expect(incident?.eventCount).toBeGreaterThanOrEqual(6)
      // Repeated activity within the throttle: still one alert.
      expect((await db.incidents.alertsAfter(0)).map((a) => a.reason)).toEqual(['opened'])
    } finally {
      await pipeline.close()
    }
  }, 120_000)
})
