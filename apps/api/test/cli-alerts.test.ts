// `decnet alerts channels …` against the real API process: add (the HMAC key from stdin, never argv),
// list, test (follows the worker's delivery to a receiver that verifies the signature), remove; a
// viewer lists but cannot add.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readyAdmin, readyUser } from './support/accounts.ts'
import { decnet } from './support/cli.ts'
import { type ServerProcess, startServerProcess } from './support/server.ts'
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts'

const HMAC_KEY = 'cli-receiver-hmac-key-0123456789'

describe('decnet alerts channels', () => {
  let api: ServerProcess
  let receiver: WebhookReceiver
  let admin: { url: string; token: string }
  let viewer: { url: string; token: string }
  beforeAll(async () => {
    receiver = await startWebhookReceiver(HMAC_KEY)
    api = await startServerProcess({
      DECNET_DISABLE_WORKERS: 'runner,collector,reconciler,mutator',
      DECNET_SECRET_KEY: 'cli-alerts-test-secret-key-0123456789',
      DECNET_ALERT_ALLOWED_TARGETS: '127.0.0.1',
    })
    const signedIn = await readyAdmin(api)
    admin = { url: api.url, token: signedIn.token }
    viewer = { url: api.url, token: (await readyUser(api, signedIn.client, 'cli-viewer', 'viewer')).token }
  })
  afterAll(async () => {
    await api.stop()
    await receiver.close()
  })

  it('add, list, test and remove a webhook channel', async () => {
    const added = await decnet(
      [
        'alerts',
        'channels',
        'add',
        'ops',
        '--url',
        receiver.url,
        '--format',
        'slack',
        '--min-severity',
        'medium',
      ],
      admin,
      `${HMAC_KEY}\n`,
    )
    expect(added.stderr).toBe('')
    expect(added.stdout).toContain('channel "ops" added (webhook, healthy)')

    const listed = await decnet(['--json', 'alerts', 'channels', 'list'], viewer)
    const channels = JSON.parse(listed.stdout) as {
      name: string
      minSeverity: string
      config: { format: string }
    }[]
    expect(channels.map((c) => [c.name, c.minSeverity, c.config.format])).toEqual([
      ['ops', 'medium', 'slack'],
    ])
    expect(listed.stdout).not.toContain(HMAC_KEY)

    const tested = await decnet(['alerts', 'channels', 'test', 'ops'], admin)
    expect(tested.code).toBe(0)
    expect(tested.stdout).toContain('test alert delivered to "ops"')
    expect(receiver.accepted).toHaveLength(1)
    expect(receiver.badSignatures).toBe(0)

    const refused = await decnet(
      ['alerts', 'channels', 'add', 'mine', '--url', receiver.url],
      viewer,
      'x'.repeat(20),
    )
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('admin')

    const removed = await decnet(['alerts', 'channels', 'remove', 'ops'], admin)
    expect(removed.stdout).toContain('channel "ops" removed')
    expect((await decnet(['alerts', 'channels'], admin)).stdout).toContain('no alert channels')
  }, 120_000)
})
