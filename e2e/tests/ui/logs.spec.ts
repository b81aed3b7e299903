import http from 'node:http'
import type { Page } from '@playwright/test'
import { signInAdmin } from '../../fixtures/auth.ts'
import { expect, type Stack, test } from '../../fixtures/stack.ts'
import { adminSession, shot, uiLogin, waitTerminal, watchConsole } from '../../fixtures/ui-helpers.ts'

const HOSTILE_USER = '<script>window.__owned = 1</script>\u001b[31mred\u0007\u202eevil'
const SECRET = 'hunter2-secret-pw'
const BASIC = Buffer.from(`${HOSTILE_USER}:${SECRET}`, 'utf8').toString('base64')
const LONG_AGENT = `<img src=x onerror="window.__owned=2">${'A'.repeat(6000)}`

/** A decky with http, deployed through the API, and its IP. */
async function httpDecky(stack: Stack): Promise<string> {
  const { client } = await signInAdmin(stack)
  const existing = (await client.fleet.list.query()).find((d) => d.name === 'logs-web')
  if (existing) return existing.ip
  const deployed = await client.fleet.deploy.mutate({ ini: '[logs-web]\nservices = http\n' })
  const [row] = await waitTerminal(client, deployed.lifecycleIds)
  expect(row?.status).toBe('succeeded')
  const decky = await client.fleet.get.query({ name: 'logs-web' })
  return decky.ip
}

/** One HTTP request to the decky carrying hostile text in Basic credentials and the user agent. */
function hostileRequest(ip: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: ip,
        port: 80,
        path: '/admin/',
        headers: { authorization: `Basic ${BASIC}`, 'user-agent': LONG_AGENT },
      },
      (response) => {
        response.resume()
        response.on('end', () => resolve(response.statusCode ?? 0))
      },
    )
    request.on('error', reject)
    request.setTimeout(10_000, () => request.destroy(new Error('timeout')))
    request.end()
  })
}

/** One request to the decky with Basic credentials (each new password is a new credential). */
function basicRequest(ip: string, password: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const basic = Buffer.from(`pager:${password}`).toString('base64')
    const request = http.request(
      { host: ip, port: 80, path: '/', headers: { authorization: `Basic ${basic}` } },
      (response) => {
        response.resume()
        response.on('end', () => resolve())
      },
    )
    request.on('error', reject)
    request.setTimeout(10_000, () => request.destroy(new Error('timeout')))
    request.end()
  })
}

async function noScriptRan(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __owned?: number }).__owned)).toBeUndefined()
}

test.describe.configure({ mode: 'serial' })

test('logs: an interaction made now arrives live; hostile text renders inert; secrets masked until revealed', async ({
  page,
  stack,
}) => {
  test.setTimeout(240_000)
  const errors = watchConsole(page)
  const dialogs: string[] = []
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  const ip = await httpDecky(stack)
  await adminSession(page, stack)
  await page.goto(`${stack.webUrl}/logs`)
  await page.getByLabel('Search query').fill('decky:logs-web')
  await page.getByRole('button', { name: 'Search' }).click()
  await page.getByTestId('live-toggle').check()
  await expect(page.getByTestId('live-status')).toContainText('Live: connected')

  expect(await hostileRequest(ip)).toBeGreaterThan(0)

  // The credential event arrives through logs.live (no reload, no polling).
  const row = page.locator('[data-testid="log-row"][data-live="true"]', { hasText: 'auth_attempt' }).first()
  await expect(row).toBeVisible({ timeout: 60_000 })
  // Attacker text is shown as text: the tag is visible characters, not an element.
  await expect(row).toContainText('<script>window.__owned = 1</script>')
  await expect(row.locator('script')).toHaveCount(0)
  // Control and bidi characters are made visible.
  await expect(row.locator('.ctrl', { hasText: '\\x1b' })).toHaveCount(1)
  await expect(row.locator('.ctrl', { hasText: '\\x07' })).toHaveCount(1)
  await expect(row.locator('.ctrl', { hasText: '\\u202e' })).toHaveCount(1)
  // The captured password is a secret field: masked for the admin until revealed.
  await expect(row.getByTestId('masked-secret')).toHaveText('••••••••')
  await expect(row).not.toContainText(SECRET)
  await shot(page, 'logs-live.png')
  await row.getByRole('button', { name: /Reveal secret/ }).click()
  await expect(row).toContainText(SECRET)
  await row.getByRole('button', { name: 'Hide secrets' }).click()
  await expect(row).not.toContainText(SECRET)

  // The request event carries the 6 KB user agent: cut, with an explicit expand.
  await page.getByTestId('live-toggle').uncheck()
  await page.getByLabel('Search query').fill('decky:logs-web event:request')
  await page.getByRole('button', { name: 'Search' }).click()
  const requestRow = page.getByTestId('log-row').filter({ hasText: 'onerror' }).first()
  await expect(requestRow).toBeVisible({ timeout: 30_000 })
  const expand = requestRow.getByRole('button', { name: /show all \d[\d,]* chars/ }).first()
  await expect(expand).toBeVisible()
  await expect(requestRow.locator('img')).toHaveCount(0)
  // The recorded headers carry the Basic credentials: masked like a secret until revealed.
  await expect(requestRow).not.toContainText(BASIC.slice(0, 24))
  await expand.click()
  await expect(requestRow).toContainText('A'.repeat(3000))
  await expect(page.getByTestId('log-total')).toContainText('matching rows')
  await shot(page, 'logs-search.png')

  await noScriptRan(page)
  expect(dialogs).toEqual([])

  // The attacker profile built from the same interaction.
  await page.goto(`${stack.webUrl}/attackers`)
  const attacker = page.getByTestId('attacker-row').first()
  await expect(attacker).toBeVisible({ timeout: 30_000 })
  await shot(page, 'attackers.png')
  await attacker.getByRole('link').click()
  await expect(page).toHaveURL(/\/attackers\/.+/)
  await expect(page.getByRole('heading', { name: /Credentials \(\d+\)/ })).toBeVisible()
  await expect(page.getByText(SECRET)).toHaveCount(0)
  await expect(page.getByRole('heading', { name: 'Timeline (recent events)' })).toBeVisible()
  await shot(page, 'attacker-detail.png')
  await noScriptRan(page)
  expect(dialogs).toEqual([])
  expect(errors()).toEqual([])
})

test('logs as a viewer: captured secrets arrive masked and cannot be revealed', async ({
  browser,
  stack,
}) => {
  const { client } = await signInAdmin(stack)
  if (!(await client.users.list.query()).some((u) => u.username === 'log-viewer')) {
    await client.users.create.mutate({
      username: 'log-viewer',
      password: 'log-viewer-once-1',
      role: 'viewer',
    })
  }
  const context = await browser.newContext()
  const page = await context.newPage()
  const errors = watchConsole(page)
  await uiLogin(page, stack, 'log-viewer', 'log-viewer-once-1', 'log-viewer-own-pw-1')
  await page.goto(`${stack.webUrl}/logs`)
  await page.getByLabel('Search query').fill('decky:logs-web event:auth_attempt')
  await page.getByRole('button', { name: 'Search' }).click()
  const row = page.getByTestId('log-row').first()
  await expect(row).toBeVisible({ timeout: 30_000 })
  await expect(row.getByTestId('masked-secret')).toHaveText('••••••••')
  await expect(row.getByRole('button', { name: /Reveal/ })).toHaveCount(0)
  await expect(row).not.toContainText(SECRET)
  await shot(page, 'logs-viewer.png')
  expect(errors()).toEqual([])
  await context.close()
})

test('logs paging by cursor and attackers sorting and filtering', async ({ page, stack }) => {
  test.setTimeout(180_000)
  const errors = watchConsole(page)
  const ip = await httpDecky(stack)
  const { client } = await signInAdmin(stack)
  // Each request makes connect, request and disconnect events: well over one page of 50.
  for (let i = 0; i < 40; i++) await hostileRequest(ip)
  await expect
    .poll(async () => (await client.logs.search.query({ q: 'decky:logs-web', limit: 1 })).total, {
      timeout: 60_000,
      // Search is rate limited per user (120/min); the pages below need their share.
      intervals: [3_000],
    })
    .toBeGreaterThan(55)
  await adminSession(page, stack)
  await page.goto(`${stack.webUrl}/logs`)
  await page.getByLabel('Search query').fill('decky:logs-web')
  await page.getByRole('button', { name: 'Search' }).click()
  const table = page.getByTestId('log-table')
  const ids = async () => {
    await expect(table).toHaveAttribute('aria-busy', 'false')
    return (
      await page.getByTestId('log-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))
    ).map(Number)
  }
  await expect(page.getByTestId('log-row')).toHaveCount(50)
  const page1 = await ids()
  await page.getByRole('button', { name: 'Older' }).click()
  await expect(page.getByTestId('log-total')).toContainText('page 2')
  const page2 = await ids()
  expect(page2.length).toBeGreaterThan(0)
  // Newest first: every row of page 2 is older than every row of page 1.
  expect(Math.max(...page2)).toBeLessThan(Math.min(...page1))
  await page.getByRole('button', { name: 'Newer' }).click()
  await expect(page.getByTestId('log-total')).not.toContainText('page 2')
  expect(await ids()).toEqual(page1)

  // The stack is shared by the worker's spec files (others add attackers): scope to this one's address.
  const attackerIp = (await client.logs.search.query({ q: 'decky:logs-web', limit: 1 })).rows[0]?.attackerIp
  expect(attackerIp).toBeTruthy()
  await page.goto(`${stack.webUrl}/attackers`)
  await page.getByLabel('Search attackers').fill(attackerIp ?? '')
  await page.getByRole('button', { name: 'Filter', exact: true }).click()
  await expect(page.getByTestId('attacker-row')).toHaveCount(1)
  await page.getByLabel('Sort').selectOption('active')
  await expect(page.getByTestId('attacker-row')).toHaveCount(1)
  await page.getByLabel('Service filter').fill('ssh')
  await page.getByRole('button', { name: 'Filter', exact: true }).click()
  await expect(page.getByText('No attackers recorded for these filters.')).toBeVisible()
  await page.getByLabel('Service filter').fill('')
  await page.getByRole('button', { name: 'Filter', exact: true }).click()
  await page.getByTestId('attacker-row').first().getByRole('button', { name: 'Filter by http' }).click()
  await expect(page.getByTestId('attacker-row')).toHaveCount(1)

  // More credentials than a page holds: the attacker's detail pages through them.
  for (let i = 0; i < 60; i++) await basicRequest(ip, `pager-${i}`)
  await expect
    .poll(
      async () =>
        (await client.attackers.list.query({ sort: 'recent', q: attackerIp ?? '' })).rows[0]
          ?.credentialCount ?? 0,
      {
        timeout: 60_000,
        intervals: [3_000],
      },
    )
    .toBeGreaterThanOrEqual(61)
  await page.getByTestId('attacker-row').first().getByRole('link').click()
  await expect(page.getByTestId('credential-row')).toHaveCount(50)
  const range = page.getByTestId('credentials-range')
  await expect(range).toHaveText(/^1–50 of \d+$/)
  const total = Number((await range.textContent())?.split(' of ')[1])
  expect(total).toBeGreaterThanOrEqual(61)
  await page.getByRole('button', { name: 'Next credentials' }).click()
  await expect(range).toHaveText(`51–${Math.min(total, 100)} of ${total}`)
  await expect(page.getByTestId('credential-row')).toHaveCount(Math.min(total, 100) - 50)
  await page.getByRole('button', { name: 'Previous credentials' }).click()
  await expect(range).toHaveText(`1–50 of ${total}`)
  expect(errors()).toEqual([])
})
