// Prometheus /metrics (issue 25): the scrape parses with a Prometheus text-format parser and counts
// what really happened (a deploy on the local engine, an attacker's HTTP request ingested); an
// anonymous scrape from an address outside DECNET_METRICS_ALLOW is refused, a scrape token or an
// admin's token is accepted, a viewer's is not. The access tests use the real API process over HTTP.
import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readyAdmin, readyUser } from './support/accounts.ts'
import { deployOne, inProcessApiOfSuite } from './support/in-process.ts'
import { parseScrape, sampleValue } from './support/prometheus.ts'
import { type ServerProcess, startServerProcess } from './support/server.ts'
import { eventually } from './support/wait.ts'

describe('/metrics counts a real deploy and real ingest', () => {
  const api = inProcessApiOfSuite()

  it('reports the running decky, the succeeded deploy and the ingested events', async () => {
    const before = parseScrape((await api.services.metrics.scrape()).body)
    expect(sampleValue(before, 'decnet_events_ingested_total')).toBe(0)
    expect(sampleValue(before, 'decnet_deckies', { state: 'running' })).toBe(0)

    const address = await deployOne(api.admin, '[metered-01]\nservices = http\n')
    // A real HTTP client against the decky: its request becomes attacker events through ingest.
    execFileSync('curl', ['-s', '-o', '/dev/null', '--max-time', '10', `http://${address}/wp-login.php`])

    const after = await eventually(
      async () => parseScrape((await api.services.metrics.scrape()).body),
      (families) => (sampleValue(families, 'decnet_events_ingested_total') ?? 0) > 0,
      'the decky request to be ingested and counted',
    )
    expect(sampleValue(after, 'decnet_deckies', { state: 'running' })).toBe(1)
    expect(
      sampleValue(after, 'decnet_lifecycle_operations_total', { operation: 'deploy', status: 'succeeded' }),
    ).toBe(1)
    expect(sampleValue(after, 'decnet_lifecycle_queue', { status: 'pending' })).toBe(0)
    expect(sampleValue(after, 'decnet_alert_deliveries', { status: 'dead' })).toBe(0)
    const family = after.find((each) => each.name === 'decnet_events_ingested_total')
    expect(family?.type).toBe('COUNTER')
    expect(sampleValue(after, 'decnet_api_process_resident_memory_bytes')).toBeGreaterThan(0)
  })
})

const SCRAPE_TOKEN = 'metrics-scrape-token-0123456789abcdef'
const NO_WORKERS = 'runner,collector,reconciler,mutator,incidents,alerts,correlation,enrichment'

async function scrape(server: ServerProcess, token?: string): Promise<Response> {
  return fetch(`${server.url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {})
}

describe('/metrics access over HTTP', () => {
  let restricted: ServerProcess
  let open: ServerProcess
  beforeAll(async () => {
    // Loopback (where the test scrapes from) is not on this API's allowed list.
    ;[restricted, open] = await Promise.all([
      startServerProcess({
        DECNET_DISABLE_WORKERS: NO_WORKERS,
        DECNET_METRICS_ALLOW: '192.0.2.0/24',
        DECNET_METRICS_TOKEN: SCRAPE_TOKEN,
        DECNET_LOG_FORMAT: 'json',
      }),
      startServerProcess({ DECNET_DISABLE_WORKERS: NO_WORKERS }),
    ])
  }, 60_000)
  afterAll(async () => {
    await Promise.all([restricted?.stop(), open?.stop()])
  })

  it('refuses an anonymous scrape from an address outside DECNET_METRICS_ALLOW', async () => {
    const response = await scrape(restricted)
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/)
    expect(await response.text()).not.toContain('decnet_')
    expect((await scrape(restricted, 'not-the-token')).status).toBe(401)
  })

  it('accepts the scrape token and an admin token, refuses a viewer token', async () => {
    const byToken = await scrape(restricted, SCRAPE_TOKEN)
    expect(byToken.status).toBe(200)
    expect(byToken.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const families = parseScrape(await byToken.text())
    expect(sampleValue(families, 'decnet_deckies', { state: 'running' })).toBe(0)

    const admin = await readyAdmin(restricted)
    expect((await scrape(restricted, admin.token)).status).toBe(200)
    const viewer = await readyUser(restricted, admin.client, 'metrics-viewer', 'viewer')
    expect((await scrape(restricted, viewer.token)).status).toBe(403)
  })

  it('lets an allowed address (loopback, the default) scrape without credentials', async () => {
    const response = await scrape(open)
    expect(response.status).toBe(200)
    expect(parseScrape(await response.text()).map((family) => family.name)).toEqual(
      expect.arrayContaining([
        'decnet_events_ingested_total',
        'decnet_lifecycle_operations_total',
        'decnet_lifecycle_queue',
        'decnet_deckies',
        'decnet_alert_deliveries',
      ]),
    )
  })

  it('logs one JSON object a line, with a level, when DECNET_LOG_FORMAT=json', () => {
    const lines = restricted
      .output()
      .split('\n')
      .filter((line) => line.trim() !== '')
    expect(lines.length).toBeGreaterThan(0)
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
    for (const record of records) {
      expect(record).toMatchObject({
        service: 'decnet-api',
        level: expect.stringMatching(/^(debug|info|warn|error)$/),
      })
      expect(typeof record.msg).toBe('string')
      expect(Number.isNaN(Date.parse(String(record.time)))).toBe(false)
    }
    expect(
      records.some((record) => record.level === 'info' && /listening on http/.test(String(record.msg))),
    ).toBe(true)
  })
})
