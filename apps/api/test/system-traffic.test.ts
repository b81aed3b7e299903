import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { curlFromAddress } from '../../../packages/decoys/test/support/http-client.ts'
import { deployOne, inProcessApiOfSuite, readEvents } from './support/in-process.ts'
import { eventually } from './support/wait.ts'

const run = promisify(execFile)

/**
 * The API's own wiring (engine with the probe ledger, collector worker with the system-traffic
 * filter): a deploy's readiness probes are visible only behind `system:true`, counted nowhere; a real
 * client (Debian curl) from the prober's own address right after is an attacker.
 */
// Both places the API can run its collector: its own thread (the default) and the API's thread.
describe.each([
  ['in its own thread', 'on'],
  ["on the API's thread", 'off'],
])('readiness probes are not attacks (API, local engine, collector %s)', (_where, collectorThread) => {
  const { admin, viewer } = inProcessApiOfSuite({
    viewer: 'watcher',
    env: { DECNET_COLLECTOR_THREAD: collectorThread },
  })

  it('a deploy shows no attacker, count or histogram bar; system:true lists the probes flagged', async () => {
    const address = await deployOne(admin, '[probed-01]\nservices = http, ssh\n')
    const probes = await eventually(
      () => viewer.logs.search({ q: 'system:true' }),
      (result) => new Set(result.rows.map((row) => `${row.service} ${row.eventType}`)).size >= 4,
      'connect and disconnect of both probes',
    )
    expect(probes.rows.every((row) => row.system && row.decky === 'probed-01')).toBe(true)
    expect(await viewer.logs.search({})).toMatchObject({ total: 0, rows: [] })
    expect((await viewer.logs.histogram({ bucketMinutes: 60 })).buckets).toEqual([])
    expect(await viewer.stats.get()).toMatchObject({ deckies: 1, logs: 0, logs24h: 0, attackers: 0 })
    expect((await viewer.attackers.list({ sort: 'recent' })).total).toBe(0)

    const prober = probes.rows[0]?.attackerIp
    expect(await curlFromAddress(`http://${address}/.env`)).toBe(prober)
    const attack = await eventually(
      () => viewer.logs.search({ q: 'event:request' }),
      (result) => result.rows.some((row) => row.fields.path === '/.env'),
      'the curl request',
    )
    expect(attack.rows.every((row) => !row.system && row.attackerIp === prober)).toBe(true)
    const attackers = await eventually(
      () => viewer.attackers.list({ sort: 'recent' }),
      (result) => result.total === 1,
      'the attacker profile',
    )
    expect(attackers.rows[0]?.ip).toBe(prober)
    // The curl connection's last events may still be landing: read the counts once they agree.
    const { stats } = await eventually(
      async () => ({ stats: await viewer.stats.get(), total: (await viewer.logs.search({})).total }),
      (counts) => counts.stats.logs === counts.total,
      'stats and search to agree',
    )
    expect(stats.attackers).toBe(1)
    expect((await viewer.logs.search({ q: 'system:any' })).total).toBe(stats.logs + probes.total)
  })

  it('the live tail leaves the probes out by default and streams them under system:true', async () => {
    type Row = { decky: string; system: boolean; fields: Record<string, unknown> }
    const attacks = await viewer.logs.live({})
    const probes = await viewer.logs.live({ q: 'system:true' })
    const reading = readEvents<Row>(attacks, (events) =>
      events.some((e) => e.data.fields.path === '/live-probe-check'),
    )
    const readingProbes = readEvents<Row>(probes, (events) =>
      events.some((e) => e.data.decky === 'probed-02'),
    )
    await new Promise((resolve) => setTimeout(resolve, 500))
    const address = await deployOne(admin, '[probed-02]\nservices = http\n')
    const probeEvents = await readingProbes
    expect(probeEvents.every((event) => event.data.system)).toBe(true)
    await run('curl', ['-s', '-o', '/dev/null', `http://${address}/live-probe-check`])
    const events = await reading
    // Everything the default tail saw up to the attack: no probe among it.
    expect(events.every((event) => !event.data.system)).toBe(true)
    expect(events.some((event) => event.data.decky === 'probed-02')).toBe(true)
  })
})
