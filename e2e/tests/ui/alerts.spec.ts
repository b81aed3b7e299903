import { expect, startStack, test } from '../../fixtures/stack.ts'
import { adminSession, shot } from '../../fixtures/ui-helpers.ts'
import { startWebhookReceiver } from '../../fixtures/webhook-receiver.ts'

const HMAC_KEY = 'e2e-receiver-hmac-key-0123456789'

test('alert channels: add a webhook, send a test, watch a hanging one trip its breaker, SSRF refused', async ({
  page,
}) => {
  test.setTimeout(180_000)
  const healthy = await startWebhookReceiver(HMAC_KEY)
  const hanging = await startWebhookReceiver(HMAC_KEY, { mode: 'hang' })
  const running = await startStack({
    DECNET_SECRET_KEY: 'e2e-alerts-secret-key-0123456789abcdef',
    DECNET_ALERT_ALLOWED_TARGETS: '127.0.0.1',
    DECNET_ALERT_TIMEOUT_MS: '500',
    DECNET_ALERT_BREAKER_FAILURES: '2',
  })
  const { stack } = running
  try {
    const { errors } = await adminSession(page, stack, [400])
    await page.getByRole('navigation').getByRole('link', { name: 'Alerts' }).click()
    await expect(page.getByTestId('channels-table')).toBeVisible()

    const addChannel = async (name: string, url: string) => {
      await page.getByRole('button', { name: 'New channel' }).click()
      const form = page.getByTestId('channel-form')
      await form.getByLabel('Name').fill(name)
      await form.getByLabel('URL').fill(url)
      await form.getByLabel('HMAC key').fill(HMAC_KEY)
      await form.getByRole('button', { name: 'Add channel' }).click()
    }

    await addChannel('ops', healthy.url)
    const ops = page.getByTestId('channel-ops')
    await expect(ops).toHaveAttribute('data-health', 'healthy')
    await ops.getByRole('button', { name: 'Send test' }).click()
    await expect(ops.getByTestId('test-delivery')).toHaveAttribute('data-status', 'delivered', {
      timeout: 15_000,
    })
    expect(healthy.accepted).toHaveLength(1)
    expect(healthy.badSignatures).toBe(0)
    // The key never comes back to the browser.
    expect(await page.content()).not.toContain(HMAC_KEY)

    await addChannel('stuck', hanging.url)
    const stuck = page.getByTestId('channel-stuck')
    await stuck.getByRole('button', { name: 'Send test' }).click()
    await stuck.getByRole('button', { name: 'Send test' }).click()
    await expect(stuck).toHaveAttribute('data-health', 'breaker_open', { timeout: 30_000 })
    await expect(stuck.getByTestId('channel-health')).toContainText('breaker open')
    await expect(stuck.getByTestId('channel-last-error')).toContainText('no answer')
    // The other channel still delivers meanwhile.
    await ops.getByRole('button', { name: 'Send test' }).click()
    await expect.poll(() => healthy.accepted.length, { timeout: 15_000 }).toBe(2)
    await shot(page, 'alerts-breaker-open.png')

    await page.getByRole('button', { name: 'New channel' }).click()
    const form = page.getByTestId('channel-form')
    await form.getByLabel('Name').fill('metadata')
    await form.getByLabel('URL').fill('http://169.254.169.254/latest/meta-data/')
    await form.getByLabel('HMAC key').fill(HMAC_KEY)
    await form.getByRole('button', { name: 'Add channel' }).click()
    await expect(page.getByTestId('channel-error')).toContainText('169.254.169.254 is link-local')
    expect(errors()).toEqual([])
  } finally {
    await running.stop()
    await healthy.close()
    await hanging.close()
  }
})
