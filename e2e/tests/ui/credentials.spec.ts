// Credentials page and the attacker page's identity section, on a real stack (docker engine): curl
// sends the same Basic credentials to two deployed http deckies; the correlation worker (every second
// here) reports it as one credential reused on two deckies.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { ADMIN_PASSWORD, signInAdmin } from '../../fixtures/auth.ts'
import { expect, startStack, test } from '../../fixtures/stack.ts'
import { deploySucceeded, shot, uiLogin, watchConsole } from '../../fixtures/ui-helpers.ts'

const run = promisify(execFile)
const SECRET = 'Reused-Secret-4471'

test('credentials: one password tried on two deckies is one reused credential; the attacker page shows its identity section', async ({
  page,
}) => {
  test.setTimeout(300_000)
  const running = await startStack({ DECNET_CORRELATION_MS: '1000' })
  const { stack } = running
  try {
    const { client } = await signInAdmin(stack)
    await deploySucceeded(client, '[cred-a]\nservices = http\n\n[cred-b]\nservices = http\n', 180_000)
    for (const name of ['cred-a', 'cred-b']) {
      const { ip } = await client.fleet.get.query({ name })
      await run('curl', [
        '-s',
        '-o',
        '/dev/null',
        '--max-time',
        '10',
        '-u',
        `pager:${SECRET}`,
        `http://${ip}/admin/`,
      ])
    }
    // Once the worker has seen both attempts.
    await expect
      .poll(async () => (await client.intel.credentials.query({ view: 'reused' })).total, { timeout: 60_000 })
      .toBe(1)

    const errors = watchConsole(page)
    await uiLogin(page, stack, 'admin', ADMIN_PASSWORD)
    await page.getByRole('navigation').getByRole('link', { name: 'Credentials' }).click()
    const row = page.getByTestId('credential-summary')
    await expect(row).toHaveCount(1)
    await expect(row).toContainText('pager')
    await expect(row.getByTestId('credential-deckies')).toContainText('2')
    await expect(row.getByTestId('credential-deckies')).toContainText('cred-a')
    await expect(row.getByTestId('credential-deckies')).toContainText('cred-b')
    await expect(row).not.toContainText(SECRET)
    await page.getByRole('button', { name: 'Reveal secrets' }).click()
    await expect(row).toContainText(SECRET)
    await shot(page, 'credentials.png')
    await page.getByRole('button', { name: 'Most tried' }).click()
    await expect(page.getByTestId('credentials-total')).toContainText('credential(s)')

    // The attacker behind it: one address, so its identity section says it is linked to nobody.
    await page.getByRole('navigation').getByRole('link', { name: 'Attackers' }).click()
    await page.getByTestId('attackers-table').getByRole('link').first().click()
    await expect(page.getByTestId('attacker-identity')).toBeVisible()
    await expect(page.getByTestId('identity-none')).toBeVisible()
    expect(errors()).toEqual([])
  } finally {
    await running.stop()
  }
})
