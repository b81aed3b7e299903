import { beforeAll, describe, expect, it } from 'vitest'
import { codeOf } from './support/accounts.ts'
import { deployOne, inProcessApiOfSuite, readEvents } from './support/in-process.ts'
import { eventually } from './support/wait.ts'

const HOSTILE_PATH = '/wp-login.php?q=<script>alert(1)</script>'

// The local engine runs the real emulators in-process and feeds the same ingest pipeline as Docker.
describe('logs, attackers and stats from real decoy traffic (local engine)', () => {
  const { admin, viewer } = inProcessApiOfSuite({ viewer: 'watcher' })
  let address: string
  beforeAll(async () => {
    address = await deployOne(admin, '[web-01]\nservices = http, ssh\n')
    expect(address).toMatch(/^127\./)
    const response = await fetch(`http://${address}${HOSTILE_PATH}`, {
      headers: {
        authorization: `Basic ${Buffer.from('root:hunter2').toString('base64')}`,
        'user-agent': 'sqlmap/1.7',
      },
    })
    expect(response.status).toBeGreaterThanOrEqual(200)
  })

  it('finds the request by word, phrase and key:value, and names decky, service and source', async () => {
    const found = await eventually(
      () => admin.logs.search({ q: 'service:http sqlmap' }),
      (result) => result.rows.some((row) => row.eventType === 'request'),
      'the http request in the logs',
    )
    const request = found.rows.find((row) => row.eventType === 'request')!
    expect(request).toMatchObject({ decky: 'web-01', service: 'http' })
    expect(request.attackerIp).toMatch(/^127\./)
    // Stored exactly as sent (the client percent-encoded the brackets).
    expect(String(request.fields.path)).toContain('%3Cscript%3Ealert(1)%3C/script%3E')
    expect((await admin.logs.search({ q: 'decky:web-01 "sqlmap/1.7"' })).total).toBeGreaterThan(0)
    expect((await admin.logs.search({ q: 'decky:nosuchdecky' })).total).toBe(0)
    expect(await codeOf(admin.logs.search({ q: '"unterminated' }))).toBe('BAD_REQUEST')
  })

  it('shows captured secrets to admins and masks them for viewers', async () => {
    const query = { q: 'service:http event:auth_attempt' }
    const forAdmin = await eventually(
      () => admin.logs.search(query),
      (result) => result.rows.length > 0,
      'the credential attempt',
    )
    expect(JSON.stringify(forAdmin.rows[0]!.fields)).toContain('hunter2')
    const forViewer = await viewer.logs.search(query)
    expect(forViewer.rows.length).toBe(forAdmin.rows.length)
    expect(JSON.stringify(forViewer.rows)).not.toContain('hunter2')
    expect(forViewer.rows[0]!.message).toBeUndefined()
    // The request event repeats the Authorization header: viewers get it masked, never the Basic blob.
    const basic = Buffer.from('root:hunter2').toString('base64')
    const requests = { q: 'service:http event:request sqlmap' }
    expect(JSON.stringify((await admin.logs.search(requests)).rows)).toContain(basic)
    const viewerRequests = (await viewer.logs.search(requests)).rows
    expect(viewerRequests.length).toBeGreaterThan(0)
    expect(JSON.stringify(viewerRequests)).not.toContain(basic)
    expect(JSON.stringify(viewerRequests)).toContain('sqlmap/1.7')
  })

  it('profiles the attacker with services, deckies and credentials', async () => {
    const list = await eventually(
      () => admin.attackers.list({ sort: 'recent' }),
      (result) => result.rows.length > 0,
      'an attacker profile',
    )
    const attacker = list.rows[0]!
    expect(attacker.services).toContain('http')
    expect(attacker.deckies).toEqual(['web-01'])
    const detail = await admin.attackers.get({ id: attacker.id })
    expect(detail.credentials.map((c) => [c.username, c.secret])).toContainEqual(['root', 'hunter2'])
    expect(detail.recentLogs.length).toBeGreaterThan(0)
    const masked = await viewer.attackers.get({ id: attacker.id })
    expect(masked.credentials.every((c) => c.secret !== 'hunter2')).toBe(true)
    expect(await codeOf(admin.attackers.get({ id: 'nope' }))).toBe('NOT_FOUND')
    expect((await admin.attackers.list({ service: 'mysql', sort: 'recent' })).total).toBe(0)
  })

  it('counts the fleet and telemetry in stats and the histogram', async () => {
    const stats = await admin.stats.get()
    expect(stats).toMatchObject({ deckies: 1, deckiesUp: 1 })
    expect(stats.logs).toBeGreaterThan(0)
    expect(stats.logs24h).toBe(stats.logs)
    expect(stats.attackers).toBeGreaterThan(0)
    const { buckets } = await admin.logs.histogram({ bucketMinutes: 60 })
    expect(buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(stats.logs)
  })

  it('streams new rows to a live subscriber', async () => {
    const stream = await viewer.logs.live({ q: 'service:http' })
    const pathOf = (row: { fields: Record<string, unknown> }) => String(row.fields.path ?? '')
    const reading = readEvents(stream, (events) =>
      events.some((event) => pathOf(event.data) === '/live-tail-marker'),
    )
    await new Promise((resolve) => setTimeout(resolve, 500))
    await fetch(`http://${address}/live-tail-marker`)
    const events = await reading
    expect(events.map((event) => pathOf(event.data))).toContain('/live-tail-marker')
    expect(events.every((event) => /^\d+$/.test(event.id))).toBe(true)
  })

  it('rate-limits searches per user', async () => {
    const codes: string[] = []
    for (let i = 0; i < 130; i++) codes.push(await codeOf(viewer.logs.search({ limit: 1 })))
    expect(codes).toContain('TOO_MANY_REQUESTS')
    // Another user is unaffected.
    expect(await codeOf(admin.logs.search({ limit: 1 }))).toBe('OK')
  })
})
