// Alert channels end to end in process: the real delivery worker sends to real HTTP receivers on
// loopback that verify the HMAC signature and de-duplicate on the idempotency key. One receiver fails
// then recovers (retries with backoff), one hangs (its breaker opens, other channels keep delivering,
// and the channel list shows the failing state and last error). The SSRF guard and the roles too.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testAlertMessage } from '../src/alerts/test-alert.ts'
import { codeOf, messageOf } from './support/accounts.ts'
import { inProcessApiOfSuite, NO_WORKERS } from './support/in-process.ts'
import { freePort } from './support/ports.ts'
import { eventually } from './support/wait.ts'
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts'

const HMAC_KEY = 'receiver-shared-hmac-key-0123456789'

describe('alert channels: durable webhook delivery', () => {
  let apiPort = 0
  const api = inProcessApiOfSuite(async () => {
    apiPort = await freePort()
    return {
      viewer: 'channel-viewer',
      env: {
        ...NO_WORKERS,
        DECNET_API_PORT: String(apiPort),
        DECNET_SECRET_KEY: 'alert-delivery-test-secret-key-0123456789',
        DECNET_ALERT_ALLOWED_TARGETS: '127.0.0.1',
        DECNET_ALERT_TIMEOUT_MS: '400',
        DECNET_ALERT_RETRY_BASE_MS: '100',
        DECNET_ALERT_RETRY_MAX_MS: '300',
        DECNET_ALERT_BREAKER_FAILURES: '5',
        DECNET_ALERT_BREAKER_COOLDOWN_MS: '600000',
      },
    }
  })
  const receivers: WebhookReceiver[] = []
  const receiver = async (mode: 'accept' | 'fail' | 'hang' = 'accept') => {
    const started = await startWebhookReceiver(HMAC_KEY, { mode })
    receivers.push(started)
    return started
  }
  afterAll(async () => {
    for (const each of receivers) await each.close()
  })

  const webhook = (name: string, url: string, format: 'json' | 'slack' | 'teams' = 'json') =>
    api.admin.alerts.channels.create({
      name,
      kind: 'webhook',
      config: { url, format },
      secrets: { hmacKey: HMAC_KEY },
    })
  const delivery = async (id: string) => {
    const [row] = await api.admin.alerts.deliveries.list({ id })
    if (!row) throw new Error(`no delivery ${id}`)
    return row
  }
  /** The delivery once the worker has delivered it (`what` names the wait in a timeout). */
  const delivered = (id: string, what: string) =>
    eventually(
      () => delivery(id),
      (d) => d.status === 'delivered',
      what,
    )

  let healthy: WebhookReceiver
  let healthyChannelId = ''
  beforeAll(async () => {
    healthy = await receiver()
    healthyChannelId = (await webhook('healthy', healthy.url)).id
  })

  it('send test: the worker delivers a signed body with the idempotency key, once', async () => {
    const { deliveryId } = await api.admin.alerts.channels.sendTest({ id: healthyChannelId })
    const row = await delivered(deliveryId, 'the test delivery')
    expect(row.attempts).toBe(1)
    expect(healthy.badSignatures).toBe(0)
    expect(healthy.accepted.map((each) => each.key)).toEqual([row.idempotencyKey])
    const body = healthy.accepted[0]?.body as {
      reason: string
      title: string
      incident: { attackerIp: string }
    }
    expect(body.reason).toBe('test')
    expect(body.incident.attackerIp).toBe('192.0.2.1')
    const [channel] = (await api.viewer.alerts.channels.list()).filter((c) => c.id === healthyChannelId)
    expect(channel?.health).toBe('healthy')
    expect(channel?.lastDeliveryAt).not.toBeNull()
  })

  it('a receiver that fails gets retries with backoff, then the alert is delivered once it recovers', async () => {
    const flaky = await receiver('fail')
    const channel = await webhook('flaky', flaky.url)
    const { deliveryId } = await api.admin.alerts.channels.sendTest({ id: channel.id })
    // Two attempts answered 503 (a claimed attempt counts before it is answered: watch the receiver).
    const failing = await eventually(
      () => delivery(deliveryId),
      (d) => flaky.requests >= 2 && d.status === 'failed' && d.attempts === flaky.requests,
      'two failed attempts',
    )
    expect(failing.lastError).toContain('HTTP 503')
    const listed = (await api.viewer.alerts.channels.list()).find((c) => c.id === channel.id)
    expect(listed?.health).toBe('failing')
    expect(listed?.lastError).toContain('503')
    flaky.mode = 'accept'
    const done = await delivered(deliveryId, 'recovery')
    expect(done.attempts).toBeGreaterThanOrEqual(3)
    expect(flaky.accepted).toHaveLength(1)
    expect(flaky.requests).toBe(done.attempts)
    const recovered = (await api.viewer.alerts.channels.list()).find((c) => c.id === channel.id)
    expect(recovered?.health).toBe('healthy')
  })

  it('a hanging receiver trips its breaker; other channels keep delivering; the list shows why', async () => {
    const hanging = await receiver('hang')
    const channel = await webhook('hanging', hanging.url)
    const tests = []
    for (let i = 0; i < 6; i++) tests.push(await api.admin.alerts.channels.sendTest({ id: channel.id }))
    // While its slots are held by sends that never get an answer, another channel delivers.
    const { deliveryId } = await api.admin.alerts.channels.sendTest({ id: healthyChannelId })
    await delivered(deliveryId, 'the healthy channel')
    const open = await eventually(
      async () => (await api.viewer.alerts.channels.list()).find((c) => c.id === channel.id),
      (c) => c?.health === 'breaker_open',
      'the breaker to open',
    )
    expect(open?.breakerState).toBe('open')
    expect(open?.consecutiveFailures).toBeGreaterThanOrEqual(5)
    expect(open?.lastError).toContain('no answer')
    expect(open?.backlog).toBe(6)
    // Open: nothing more is sent to it. The fifth failure opened it; at most the sends already in
    // flight in its other slots (4 per channel) were made besides.
    await new Promise((resolve) => setTimeout(resolve, 600))
    const requests = hanging.requests
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    expect(hanging.requests).toBe(requests)
    expect(requests).toBeGreaterThanOrEqual(5)
    expect(requests).toBeLessThanOrEqual(5 + 3)
    // And still the healthy one delivers.
    const again = await api.admin.alerts.channels.sendTest({ id: healthyChannelId })
    await delivered(again.deliveryId, 'the healthy channel again')
    // health.get says so too (from the worker's heartbeat, every 10 s).
    const health = await eventually(
      () => api.viewer.health.get(),
      (h) => h.components.alerts.detail.includes('hanging: breaker open'),
      'the alerts health component',
    )
    expect(health.components.alerts.status).toBe('degraded')
    // An admin fixing the channel closes the breaker and the backlog drains.
    hanging.mode = 'accept'
    await api.admin.alerts.channels.update({ id: channel.id, config: { url: hanging.url, format: 'json' } })
    for (const each of tests) {
      await delivered(each.deliveryId, 'the backlog')
    }
    expect(new Set(hanging.accepted.map((each) => each.key)).size).toBe(6)
  })

  it('Slack- and Teams-shaped bodies escape attacker text and are signed the same way', async () => {
    const slack = await receiver()
    const teams = await receiver()
    const slackChannel = await webhook('slack', slack.url, 'slack')
    const teamsChannel = await webhook('teams', teams.url, 'teams')
    const a = await api.admin.alerts.channels.sendTest({ id: slackChannel.id })
    const b = await api.admin.alerts.channels.sendTest({ id: teamsChannel.id })
    await delivered(a.deliveryId, 'slack')
    await delivered(b.deliveryId, 'teams')
    const slackBody = slack.accepted[0]?.body as { text: string; blocks: unknown[] }
    expect(slackBody.text).toContain('DECNET test alert')
    expect(slackBody.blocks.length).toBeGreaterThan(1)
    const teamsBody = teams.accepted[0]?.body as Record<string, unknown>
    expect(teamsBody['@type']).toBe('MessageCard')
  })

  it('SSRF guard: link-local metadata and the API own port are refused with a clear error', async () => {
    const metadata = webhook('metadata', 'http://169.254.169.254/latest/meta-data/')
    expect(await codeOf(metadata)).toBe('BAD_REQUEST')
    expect(await messageOf(webhook('metadata2', 'http://169.254.169.254/'))).toMatch(
      /169\.254\.169\.254 is link-local/,
    )
    expect(await messageOf(webhook('self', `http://127.0.0.1:${apiPort}/trpc`))).toMatch(/DECNET API itself/)
    expect(await messageOf(webhook('v6ll', 'http://[fe80::1]:8080/'))).toMatch(/link-local/)
    expect(await messageOf(webhook('lan', 'http://10.1.2.3/hook'))).toMatch(/private range/)
    const allowed = await api.admin.alerts.channels.create({
      name: 'lan-allowed',
      kind: 'webhook',
      config: { url: 'http://10.1.2.3/hook' },
      secrets: { hmacKey: HMAC_KEY },
      allowPrivateTargets: true,
    })
    expect(allowed.allowPrivateTargets).toBe(true)
    await api.admin.alerts.channels.remove({ id: allowed.id })
    expect((await api.viewer.alerts.channels.list()).map((c) => c.name)).not.toContain('metadata')
  })

  it('viewers list channels without secrets and cannot configure or test them', async () => {
    const listed = await api.viewer.alerts.channels.list()
    expect(listed.length).toBeGreaterThan(0)
    expect(JSON.stringify(listed)).not.toContain(HMAC_KEY)
    expect(listed.find((c) => c.id === healthyChannelId)?.secretsSet).toEqual(['hmacKey'])
    // A webhook URL may carry a token in its path (Slack, Teams): viewers see its origin only.
    expect(listed.find((c) => c.id === healthyChannelId)?.config.url).toBe(`${new URL(healthy.url).origin}/…`)
    const asAdmin = (await api.admin.alerts.channels.list()).find((c) => c.id === healthyChannelId)
    expect(asAdmin?.config.url).toBe(healthy.url)
    expect(JSON.stringify(await api.admin.alerts.channels.list())).not.toContain(HMAC_KEY)
    expect(JSON.stringify(await api.admin.alerts.deliveries.list({}))).not.toContain(HMAC_KEY)
    const asViewer = (call: Promise<unknown>) => codeOf(call)
    expect(
      await asViewer(
        api.viewer.alerts.channels.create({
          name: 'viewer-made',
          kind: 'webhook',
          config: { url: healthy.url },
          secrets: { hmacKey: HMAC_KEY },
        }),
      ),
    ).toBe('FORBIDDEN')
    expect(await asViewer(api.viewer.alerts.channels.update({ id: healthyChannelId, enabled: false }))).toBe(
      'FORBIDDEN',
    )
    expect(await asViewer(api.viewer.alerts.channels.remove({ id: healthyChannelId }))).toBe('FORBIDDEN')
    expect(await asViewer(api.viewer.alerts.channels.sendTest({ id: healthyChannelId }))).toBe('FORBIDDEN')
    // The sealed secrets are not in the database in the clear either.
    const row = await api.services.db.channels.get(healthyChannelId)
    expect(row?.sealedSecrets).toMatch(/^enc:v1:/)
    expect(row?.sealedSecrets).not.toContain(HMAC_KEY)
    expect(api.output()).not.toContain(HMAC_KEY)
    // Channel changes are audited, with the secrets redacted.
    const audited = await api.admin.audit.list({ action: 'alerts.channels.' })
    expect(audited.rows.map((row) => row.action)).toContain('alerts.channels.create')
    expect(JSON.stringify(audited)).not.toContain(HMAC_KEY)
  })

  it('an update keeps secrets left out and replaces those given', async () => {
    const other = await startWebhookReceiver('a-different-hmac-key-abcdefghij')
    receivers.push(other)
    const channel = await webhook('rotate', other.url)
    await api.admin.alerts.channels.update({ id: channel.id, minSeverity: 'high' })
    const first = await api.admin.alerts.channels.sendTest({ id: channel.id })
    // Signed with the old key: the receiver refuses it (401, not retried).
    const refused = await eventually(
      () => delivery(first.deliveryId),
      (d) => d.status === 'dead',
      'refusal',
    )
    expect(refused.lastError).toContain('HTTP 401')
    await api.admin.alerts.channels.update({
      id: channel.id,
      secrets: { hmacKey: 'a-different-hmac-key-abcdefghij' },
    })
    const second = await api.admin.alerts.channels.sendTest({ id: channel.id })
    await delivered(second.deliveryId, 'the new key')
    expect(other.accepted).toHaveLength(1)
  })

  it('outbox alerts fan out to every enabled channel whose minimum severity they reach', async () => {
    const everything = await receiver()
    const urgent = await receiver()
    const raise = (severity: 'low' | 'high', key: string) => {
      const { id: _id, ...message } = testAlertMessage('fan-out')
      return api.services.db.incidents.addAlert({
        ...message,
        idempotencyKey: key,
        reason: 'opened',
        severity,
        title: `${severity}: 198.51.100.7 touched web-01`,
        incidentId: null,
      })
    }
    // Raised before the channels exist: not theirs.
    await raise('high', 'before-channels')
    await new Promise((resolve) => setTimeout(resolve, 20))
    await webhook('everything', everything.url)
    await api.admin.alerts.channels.create({
      name: 'urgent',
      kind: 'webhook',
      config: { url: urgent.url },
      secrets: { hmacKey: HMAC_KEY },
      minSeverity: 'high',
    })
    await raise('low', 'fan-low')
    await raise('high', 'fan-high')
    await eventually(
      async () => everything.accepted.length,
      (n) => n >= 2,
      'both alerts on the first channel',
    )
    await eventually(
      async () => urgent.accepted.length,
      (n) => n >= 1,
      'the high alert on the second',
    )
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(everything.accepted.map((each) => each.key).sort()).toEqual(['fan-high', 'fan-low'])
    expect(urgent.accepted.map((each) => each.key)).toEqual(['fan-high'])
    expect(everything.duplicates + urgent.duplicates).toBe(0)
    // A channel that existed before got all three; the earlier cases' test alerts reached no other channel.
    await eventually(
      async () => healthy.accepted.length,
      () => healthy.accepted.some((each) => each.key === 'fan-low'),
      'the older channel',
    )
    expect(
      healthy.accepted
        .filter((each) => !each.key.startsWith('test-'))
        .map((each) => each.key)
        .sort(),
    ).toEqual(['before-channels', 'fan-high', 'fan-low'])
  })

  it('the other kinds go through the same worker and guard: an NDJSON file sink, syslog and email targets', async () => {
    const file = await api.admin.alerts.channels.create({
      name: 'file',
      kind: 'ndjson',
      config: { path: 'alerts.ndjson' },
    })
    expect(file.secretsSet).toEqual([])
    const { deliveryId } = await api.admin.alerts.channels.sendTest({ id: file.id })
    const row = await delivered(deliveryId, 'the file delivery')
    const lines = readFileSync(path.join(api.dataDir, 'alerts', 'alerts.ndjson'), 'utf8')
      .trim()
      .split('\n')
    // At least once: a write that outlived this suite's short deadline (400 ms, fsync on a busy disk)
    // is written again on retry; a reader de-duplicates on the key, as any receiver does.
    const keys = lines.map((line) => (JSON.parse(line) as { idempotencyKey: string }).idempotencyKey)
    expect([...new Set(keys)]).toEqual([row.idempotencyKey])
    expect(row.attempts).toBeGreaterThanOrEqual(keys.length)
    // Outside the alert-file directory: refused when sent, not retried.
    const outside = await api.admin.alerts.channels.create({
      name: 'escape',
      kind: 'ndjson',
      config: { path: '/etc/decnet.ndjson' },
    })
    const refused = await api.admin.alerts.channels.sendTest({ id: outside.id })
    expect(
      (
        await eventually(
          () => delivery(refused.deliveryId),
          (d) => d.status === 'dead',
          'the refusal',
        )
      ).lastError,
    ).toBeTruthy()

    expect(
      await messageOf(
        api.admin.alerts.channels.create({
          name: 'syslog-metadata',
          kind: 'syslog',
          config: { protocol: 'udp', host: '169.254.169.254' },
        }),
      ),
    ).toMatch(/link-local/)
    expect(
      await messageOf(
        api.admin.alerts.channels.create({
          name: 'smtp-self',
          kind: 'email',
          config: { host: '127.0.0.1', port: apiPort, from: 'decnet@example.com', to: ['soc@example.com'] },
          secrets: { password: 'smtp-password-123' },
        }),
      ),
    ).toMatch(/DECNET API itself/)
    expect(
      await messageOf(
        api.admin.alerts.channels.create({
          name: 'bad-syslog',
          kind: 'syslog',
          config: { protocol: 'carrier-pigeon', host: 'x' },
        }),
      ),
    ).toMatch(/^config\.protocol/)
    const mail = await api.admin.alerts.channels.create({
      name: 'mail',
      kind: 'email',
      config: { host: 'smtp.example.com', from: 'decnet@example.com', to: ['soc@example.com'] },
      secrets: { password: 'smtp-password-123' },
    })
    expect(mail.secretsSet).toEqual(['password'])
    expect(JSON.stringify(await api.viewer.alerts.channels.list())).not.toContain('smtp-password-123')
  })
})
