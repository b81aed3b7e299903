import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Client, codeOf, readyAdmin, readyUser } from './support/clients.ts'
import { type ServerProcess, startServerProcess } from './support/server.ts'

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const value = await read()
    if (done(value)) return value
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

const HOSTILE_PATH = '/wp-login.php?q=<script>alert(1)</script>'

// The local engine runs the real emulators in-process and feeds the same ingest pipeline as Docker.
describe('logs, attackers and stats from real decoy traffic (local engine)', () => {
  let api: ServerProcess
  let admin: Client
  let viewer: Client
  let address: string
  beforeAll(async () => {
    api = await startServerProcess({ DECNET_ENGINE: 'local' })
    admin = (await readyAdmin(api.url)).client
    viewer = (await readyUser(api.url, admin, 'watcher', 'viewer')).client
    const deployed = await admin.fleet.deploy.mutate({ ini: '[web-01]\nservices = http, ssh\n' })
    await eventually(
      () => admin.fleet.lifecycle.query({ ids: deployed.lifecycleIds }),
      ({ rows }) => rows[0]?.status === 'succeeded',
      'the deploy',
    )
    address = (await admin.fleet.get.query({ name: 'web-01' })).address
    expect(address).toMatch(/^127\./)
    const response = await fetch(`http://${address}${HOSTILE_PATH}`, {
      headers: {
        authorization: `Basic ${Buffer.from('root:hunter2').toString('base64')}`,
        'user-agent': 'sqlmap/1.7',
      },
    })
    expect(response.status).toBeGreaterThanOrEqual(200)
  })
  afterAll(() => api.stop())

  it('finds the request by word, phrase and key:value, and names decky, service and source', async () => {
    const found = await eventually(
      () => admin.logs.search.query({ q: 'service:http sqlmap' }),
      (result) => result.rows.some((row) => row.eventType === 'request'),
      'the http request in the logs',
    )
    const request = found.rows.find((row) => row.eventType === 'request')!
    expect(request).toMatchObject({ decky: 'web-01', service: 'http' })
    expect(request.attackerIp).toMatch(/^127\./)
    // Stored exactly as sent (the client percent-encoded the brackets).
    expect(String(request.fields.path)).toContain('%3Cscript%3Ealert(1)%3C/script%3E')
    expect((await admin.logs.search.query({ q: 'decky:web-01 "sqlmap/1.7"' })).total).toBeGreaterThan(0)
    expect((await admin.logs.search.query({ q: 'decky:nosuchdecky' })).total).toBe(0)
    expect(await codeOf(admin.logs.search.query({ q: '"unterminated' }))).toBe('BAD_REQUEST')
  })

  it('shows captured secrets to admins and masks them for viewers', async () => {
    const query = { q: 'service:http event:auth_attempt' }
    const forAdmin = await eventually(
      () => admin.logs.search.query(query),
      (result) => result.rows.length > 0,
      'the credential attempt',
    )
    expect(JSON.stringify(forAdmin.rows[0]!.fields)).toContain('hunter2')
    const forViewer = await viewer.logs.search.query(query)
    expect(forViewer.rows.length).toBe(forAdmin.rows.length)
    expect(JSON.stringify(forViewer.rows)).not.toContain('hunter2')
    expect(forViewer.rows[0]!.message).toBeUndefined()
    // The request event repeats the Authorization header: viewers get it masked, never the Basic blob.
    const basic = Buffer.from('root:hunter2').toString('base64')
    const requests = { q: 'service:http event:request sqlmap' }
    expect(JSON.stringify((await admin.logs.search.query(requests)).rows)).toContain(basic)
    const viewerRequests = (await viewer.logs.search.query(requests)).rows
    expect(viewerRequests.length).toBeGreaterThan(0)
    expect(JSON.stringify(viewerRequests)).not.toContain(basic)
    expect(JSON.stringify(viewerRequests)).toContain('sqlmap/1.7')
  })

  it('profiles the attacker with services, deckies and credentials', async () => {
    const list = await eventually(
      () => admin.attackers.list.query({ sort: 'recent' }),
      (result) => result.rows.length > 0,
      'an attacker profile',
    )
    const attacker = list.rows[0]!
    expect(attacker.services).toContain('http')
    expect(attacker.deckies).toEqual(['web-01'])
    const detail = await admin.attackers.get.query({ id: attacker.id })
    expect(detail.credentials.map((c) => [c.username, c.secret])).toContainEqual(['root', 'hunter2'])
    expect(detail.recentLogs.length).toBeGreaterThan(0)
    const masked = await viewer.attackers.get.query({ id: attacker.id })
    expect(masked.credentials.every((c) => c.secret !== 'hunter2')).toBe(true)
    expect(await codeOf(admin.attackers.get.query({ id: 'nope' }))).toBe('NOT_FOUND')
    expect((await admin.attackers.list.query({ service: 'mysql', sort: 'recent' })).total).toBe(0)
  })

  it('counts the fleet and telemetry in stats and the histogram', async () => {
    const stats = await admin.stats.get.query()
    expect(stats).toMatchObject({ deckies: 1, deckiesUp: 1 })
    expect(stats.logs).toBeGreaterThan(0)
    expect(stats.logs24h).toBe(stats.logs)
    expect(stats.attackers).toBeGreaterThan(0)
    const { buckets } = await admin.logs.histogram.query({ bucketMinutes: 60 })
    expect(buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(stats.logs)
  })

  it('streams new rows to a live subscriber', async () => {
    const received: string[] = []
    const subscription = viewer.logs.live.subscribe(
      { q: 'service:http' },
      { onData: ({ data }) => received.push(String(data.fields.path ?? '')) },
    )
    try {
      await new Promise((resolve) => setTimeout(resolve, 500))
      await fetch(`http://${address}/live-tail-marker`)
      await eventually(
        async () => received,
        (paths) => paths.includes('/live-tail-marker'),
        'the live row',
      )
    } finally {
      subscription.unsubscribe()
    }
  })

  it('rate-limits searches per user', async () => {
    const codes: string[] = []
    for (let i = 0; i < 130; i++) codes.push(await codeOf(viewer.logs.search.query({ limit: 1 })))
    expect(codes).toContain('TOO_MANY_REQUESTS')
    // Another user is unaffected.
    expect(await codeOf(admin.logs.search.query({ limit: 1 }))).toBe('OK')
  })
})
