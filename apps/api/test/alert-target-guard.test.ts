// The SSRF guard's send-time check (after DNS resolution: rebinding) and the webhook formats'
// escaping of attacker text. The save-time refusals through the API: alert-delivery.test.ts.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import {
  checkTargetAtSave,
  parseAllowedTargets,
  resolveTarget,
  type TargetPolicy,
} from '../src/alerts/target-guard.ts'
import { testAlertMessage } from '../src/alerts/test-alert.ts'
import { TransportError } from '../src/alerts/transport.ts'
import { createWebhookTransport } from '../src/alerts/transports/webhook.ts'
import { escapeSlack, escapeTeams, webhookBody } from '../src/alerts/transports/webhook-formats.ts'

const policy: TargetPolicy = {
  allowPrivate: false,
  allowedLocal: parseAllowedTargets('127.0.0.1:9999'),
  apiPort: 4000,
}

describe('SSRF guard', () => {
  it('refuses a name that resolves to the metadata address at send time (DNS rebinding)', async () => {
    const rebinding = async () => [{ address: '169.254.169.254', family: 4 }]
    // Passes at save time: it is a name, judged when it is resolved.
    expect(() => checkTargetAtSave('hooks.example.com', 443, policy)).not.toThrow()
    await expect(resolveTarget('hooks.example.com', 443, policy, rebinding)).rejects.toThrow(/link-local/)
    // One bad address among good ones is enough to refuse.
    const mixed = async () => [
      { address: '203.0.113.9', family: 4 },
      { address: '::ffff:127.0.0.1', family: 6 },
    ]
    await expect(resolveTarget('hooks.example.com', 443, policy, mixed)).rejects.toThrow(/loopback/)
    const fine = async () => [{ address: '203.0.113.9', family: 4 }]
    expect(await resolveTarget('hooks.example.com', 443, policy, fine)).toEqual({
      address: '203.0.113.9',
      family: 4,
    })
  })

  it('allows only the listed loopback targets, never the API port, private ranges only when allowed', async () => {
    expect(() => checkTargetAtSave('127.0.0.1', 9999, policy)).not.toThrow()
    expect(() => checkTargetAtSave('127.0.0.1', 9998, policy)).toThrow(/DECNET_ALERT_ALLOWED_TARGETS/)
    expect(() => checkTargetAtSave('localhost', 9998, policy)).toThrow(/loopback/)
    const everyPort = { ...policy, allowedLocal: parseAllowedTargets('127.0.0.1') }
    expect(() => checkTargetAtSave('127.0.0.1', 4000, everyPort)).toThrow(/DECNET API itself/)
    expect(() => checkTargetAtSave('[::1]', 9999, policy)).toThrow(/loopback/)
    expect(() => checkTargetAtSave('192.168.1.20', 80, policy)).toThrow(/private range/)
    expect(() => checkTargetAtSave('192.168.1.20', 80, { ...policy, allowPrivate: true })).not.toThrow()
    expect(() => checkTargetAtSave('169.254.169.254', 80, { ...policy, allowPrivate: true })).toThrow(
      /link-local/,
    )
  })

  it('the webhook transport refuses (not retryable) when the resolved target is forbidden, and never connects', async () => {
    let connections = 0
    const server = http.createServer((_req, res) => {
      connections++
      res.end('ok')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    try {
      const transport = createWebhookTransport(
        { url: `http://rebind.example:${port}/hook`, format: 'json' },
        { hmacKey: 'k'.repeat(32) },
        // The name now points at loopback, which this channel may not reach.
        { policy, alertFileDir: '/nonexistent', resolve: async () => [{ address: '127.0.0.1', family: 4 }] },
      )
      const failure = await transport
        .send(testAlertMessage('t'), new AbortController().signal)
        .catch((e) => e)
      expect(failure).toBeInstanceOf(TransportError)
      expect((failure as TransportError).retryable).toBe(false)
      expect(connections).toBe(0)
      // Allowed, the same name connects to the checked address (no lookup of its own).
      const allowed = createWebhookTransport(
        { url: `http://rebind.example:${port}/hook`, format: 'json' },
        { hmacKey: 'k'.repeat(32) },
        {
          policy: { ...policy, allowedLocal: parseAllowedTargets('rebind.example') },
          alertFileDir: '/nonexistent',
          resolve: async () => [{ address: '127.0.0.1', family: 4 }],
        },
      )
      await allowed.send(testAlertMessage('t'), new AbortController().signal)
      expect(connections).toBe(1)
    } finally {
      server.closeAllConnections()
      server.close()
    }
  })
})

describe('webhook formats escape attacker text', () => {
  const hostile = testAlertMessage('x')
  hostile.title = 'high: <!channel> <http://evil.example|bank> & *bold* <script>alert(1)</script>'
  hostile.events = [{ ...hostile.events[0]!, summary: '<img src=x onerror=alert(1)> [click](http://evil)' }]

  it('Slack: & < > become entities in every mrkdwn text, so no mention or disguised link survives', () => {
    const body = JSON.parse(webhookBody(hostile, 'slack')) as { text: string; blocks: unknown[] }
    // Every text Slack parses as mrkdwn (plain_text, the header, is shown as it is).
    const mrkdwn = [
      body.text,
      ...JSON.stringify(body.blocks).matchAll(/"type":"mrkdwn","text":("(?:[^"\\]|\\.)*")/g),
    ]
      .map((match) => (typeof match === 'string' ? match : (JSON.parse(match[1] ?? '""') as string)))
      .join('\n')
    expect(mrkdwn).toContain('&lt;!channel&gt;')
    expect(mrkdwn).not.toContain('<!channel>')
    expect(mrkdwn).not.toContain('<http://evil.example|bank>')
    expect(escapeSlack('<!here> & >')).toBe('&lt;!here&gt; &amp; &gt;')
  })

  it('Teams: no HTML tag and no markdown link survives', () => {
    const body = webhookBody(hostile, 'teams')
    expect(body).not.toMatch(/<script|<img/)
    expect(body).not.toContain('[click](http://evil)')
    expect(escapeTeams('[a](b)')).toBe('\\[a\\]\\(b\\)')
  })

  it('generic JSON carries the message as data, and text is capped', () => {
    const long = { ...hostile, title: 'x'.repeat(10_000) }
    expect(JSON.parse(webhookBody(long, 'json')).title).toHaveLength(10_000)
    expect(escapeSlack('y'.repeat(10_000)).length).toBeLessThanOrEqual(2_000)
  })
})
