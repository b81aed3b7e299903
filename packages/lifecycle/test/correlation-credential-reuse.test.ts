// Acceptance (issue 16): one credential tried on two deckies from two source addresses is reported as
// ONE reused credential. Real OpenSSH clients (sshpass) from two loopback source addresses against two
// in-process ssh decoys, through the real ingest pipeline into SQLite, then one correlation pass.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { sqliteTestDatabase } from '@decnet/db/testing'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { sshpassArgs } from '../../decoys/test/support/ssh-client.ts'
import { CorrelationWorker, LocalEngine } from '../src/index.ts'
import { IngestPipeline, localEventSink } from '../src/workers-index.ts'
import { deployAlphaAndBeta, enginesClosedAfterEach } from './support/local-engines.ts'

const run = promisify(execFile)
const engines = enginesClosedAfterEach()
const provider = sqliteTestDatabase()
afterAll(() => provider.cleanup())

const ssh = { slug: 'ssh', ports: [{ port: 2222, protocol: 'tcp' as const }], config: {} }
// Two attackers: two source addresses on the loopback network.
const FIRST = '127.0.0.61'
const SECOND = '127.0.0.62'

/** One failed password login with the real OpenSSH client from `source`. */
async function failedLogin(address: string, source: string, user: string, password: string): Promise<void> {
  const login = run(
    'sshpass',
    sshpassArgs({ address, password, user, port: 2222, bindAddress: source, connectTimeoutSeconds: 10 }),
    { timeout: 20_000 },
  )
  await expect(login).rejects.toThrow()
}

describe('credential reuse from real SSH logins through real ingest', () => {
  it('the same user/password tried on two deckies from two addresses is one reused credential', async () => {
    const { db } = await provider.open()
    // Nothing stored yet: the worker does not even open a write transaction.
    const worker = new CorrelationWorker({ db })
    expect((await worker.runOnce()).ran).toBe(false)
    const pipeline = new IngestPipeline({ db, flushIntervalMs: 20 })
    // Its own address scope: incidents-real-ssh.test.ts deploys the same alpha and beta on the same
    // port, and the two files may run at once in different workers.
    const engine = new LocalEngine({ onEvent: localEventSink(pipeline), addressScope: 'credential-reuse' })
    engines.push(engine)
    const { alpha, beta } = await deployAlphaAndBeta(engine, [ssh])
    try {
      await failedLogin(alpha, FIRST, 'oracle', 'Winter2026!')
      await failedLogin(beta, SECOND, 'oracle', 'Winter2026!')
      // Not reused: one decky, one address (twice).
      await failedLogin(alpha, FIRST, 'backup', 'only-here')
      await failedLogin(alpha, FIRST, 'backup', 'only-here')
      // Every session's events stored, up to its disconnect (the decoy ends a failed session a few
      // seconds after the client gave up): the last assertion needs inputs that no longer move.
      await vi.waitFor(
        async () => {
          expect((await db.logs.search({ q: 'event:auth_attempt' })).total).toBeGreaterThanOrEqual(4)
          const ended = async (ip: string) =>
            (await db.logs.search({ q: `event:disconnect attacker:${ip}` })).total
          expect([await ended(FIRST), await ended(SECOND)]).toEqual([3, 1])
        },
        { timeout: 20_000, interval: 100 },
      )
      // (The engine's own readiness probes come from 127.0.0.1: this pipeline has no probe filter.)
      const seen = await db.attackers.list()
      expect(seen.rows.map((a) => a.ip)).toEqual(expect.arrayContaining([FIRST, SECOND]))

      expect((await worker.runOnce()).ran).toBe(true)
      const reused = await db.correlation.credentials({ view: 'reused' })
      expect(reused.total).toBe(1)
      expect(reused.rows).toHaveLength(1)
      const [credential] = reused.rows
      expect(credential).toMatchObject({
        kind: 'password',
        principal: 'oracle',
        secret: 'Winter2026!',
        deckyCount: 2,
        ipCount: 2,
        reused: true,
        services: ['ssh'],
      })
      expect([...(credential?.deckies ?? [])].sort()).toEqual(['alpha', 'beta'])
      expect([...(credential?.attackerIps ?? [])].sort()).toEqual([FIRST, SECOND])
      expect(credential?.attempts).toBeGreaterThanOrEqual(2)
      // The not-reused one is among the most tried, never among the reused.
      const top = await db.correlation.credentials({ view: 'top' })
      expect(top.rows.map((row) => [row.principal, row.reused]).sort()).toEqual([
        ['backup', false],
        ['oracle', true],
      ])
      // Same credential at the same time: the two addresses are one identity, with the evidence.
      const identity = await db.correlation.identityOf(SECOND)
      expect(identity?.members.map((m) => m.ip)).toEqual([FIRST, SECOND])
      expect(identity?.identity.evidence.join(' | ')).toMatch(/credential\(s\) in common \(user oracle\)/)
      expect(JSON.stringify(identity)).not.toContain('Winter2026!')
      // Nothing changed since: the next pass is skipped.
      expect((await worker.runOnce()).ran).toBe(false)
    } finally {
      await pipeline.close()
    }
  }, 120_000)
})
