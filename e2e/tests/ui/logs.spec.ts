import type { Page } from '@playwright/test'
import { basicAuth, httpGet } from '../../fixtures/attacker.ts'
import { signInAdmin } from '../../fixtures/auth.ts'
import { expect, type Stack, test } from '../../fixtures/stack.ts'
import { adminSession, deckyOnce, shot, uiLogin, watchConsole } from '../../fixtures/ui-helpers.ts'

const HOSTILE_USER = '<script>window.__owned = 1</script>\u001b[31mred\u0007\u202eevil'
const SECRET = 'hunter2-secret-pw'
const BASIC = Buffer.from(`${HOSTILE_USER}:${SECRET}`, 'utf8').toString('base64')
const LONG_AGENT = `<img src=x onerror="window.__owned=2">${'A'.repeat(6000)}`

/** A decky with http, deployed through the API, and its IP. */
const httpDecky = (stack: Stack) => deckyOnce(stack, 'logs-web', '[logs-web]\nservices = http\n')

/** One HTTP request to the decky carrying hostile text in Basic credentials and the user agent. */
const hostileRequest = (ip: string) =>
  httpGet(ip, '/admin/', { authorization: `Basic ${BASIC}`, 'user-agent': LONG_AGENT })

/** One request to the decky with Basic credentials (each new password is a new credential). */
const basicRequest = (ip: string, password: string) =>
  httpGet(ip, '/', { authorization: basicAuth('pager', password) })

/**
 * Searches from the Logs page and returns the first row once the search's own rows are shown (not the
 * previous page's, kept while it loads).
 */
async function firstRowOf(page: Page, query: string) {
  await page.getByLabel('Search query').fill(query)
  await page.getByRole('button', { name: 'Search' }).click()
  const row = page.getByTestId('log-row').first()
  await expect(row).toBeVisible({ timeout: 30_000 })
  await expect(page.getByTestId('log-table')).toHaveAttribute('aria-busy', 'false')
  return row
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
  const entry = page.locator('[data-testid="log-row"][data-live="true"]', { hasText: 'auth_attempt' }).first()
  await expect(entry).toBeVisible({ timeout: 60_000 })
  // One line per event; its fields open below it.
  await entry.getByTestId('log-expand').click()
  const row = entry.getByTestId('log-detail')
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
  const requestRow = await firstRowOf(page, 'decky:logs-web event:request onerror')
  await expect(requestRow).toContainText('request')
  await requestRow.getByTestId('log-expand').click()
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
  await attacker.getByRole('link').first().click()
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
  const row = await firstRowOf(page, 'decky:logs-web event:auth_attempt')
  await expect(row).toContainText('auth_attempt')
  await row.getByTestId('log-expand').click()
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
  // Other specs on the shared stack send from the same address (ssh, ftp…): filter by a service this
  // attacker has not touched, read from its own row.
  const touched = await page
    .getByTestId('attacker-row')
    .first()
    .getByRole('button', { name: /^Filter by / })
    .allTextContents()
  const untouched = ['mqtt', 'modbus', 'snmp', 'vnc', 'mssql'].find((slug) => !touched.includes(slug))
  await page.getByLabel('Service filter').fill(untouched ?? '')
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
  await page.getByTestId('attacker-row').first().getByRole('link').first().click()
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

test('logs rows: one line each (20+ fit 1366×768), open on click or Enter, raw JSON behind a toggle, links to all events', async ({
  page,
  stack,
}) => {
  test.setTimeout(120_000)
  await page.setViewportSize({ width: 1366, height: 768 })
  const { errors } = await adminSession(page, stack)
  // The paging test above made well over a page of events on this decky.
  await page.goto(`${stack.webUrl}/logs?q=${encodeURIComponent('decky:logs-web')}`)
  await expect(page.getByLabel('Search query')).toHaveValue('decky:logs-web')
  const rows = page.getByTestId('log-row')
  await expect(rows).toHaveCount(50, { timeout: 30_000 })
  const inView = await rows.evaluateAll(
    (entries) => entries.filter((entry) => entry.getBoundingClientRect().bottom <= window.innerHeight).length,
  )
  expect(inView).toBeGreaterThanOrEqual(20)
  await shot(page, 'logs-dense-1366.png')

  // Collapsed: no field list and no raw JSON on the page.
  await expect(page.getByTestId('log-detail')).toHaveCount(0)
  const first = rows.first()
  await first.getByTestId('log-summary').click()
  const detail = first.getByTestId('log-detail')
  await expect(detail).toBeVisible()
  await expect(detail.getByTestId('raw-json')).toHaveCount(0)
  await detail.getByTestId('raw-toggle').click()
  await expect(detail.getByTestId('raw-json')).toContainText('"decky": "logs-web"')
  await detail.getByTestId('raw-toggle').click()
  await expect(detail.getByTestId('raw-json')).toHaveCount(0)
  await first.getByTestId('log-summary').click()
  await expect(page.getByTestId('log-detail')).toHaveCount(0)

  // Keyboard: the row's toggle is a button; Enter opens it.
  const second = rows.nth(1)
  await second.getByTestId('log-expand').focus()
  await page.keyboard.press('Enter')
  await expect(second.getByTestId('log-expand')).toHaveAttribute('aria-expanded', 'true')
  await expect(second.getByTestId('log-detail')).toBeVisible()

  // "All events of this attacker" is a search the page runs from its address.
  const ip = ((await second.locator('td').nth(4).textContent()) ?? '').replace(/:\d+$/, '')
  await second.getByTestId('attacker-events-link').click()
  await expect(page).toHaveURL(/\/logs\?q=attacker%3A/)
  await expect(page.getByLabel('Search query')).toHaveValue(`attacker:${ip}`)
  await expect(page.getByTestId('log-total')).toContainText(/[1-9]\d* matching rows/)
  expect(errors()).toEqual([])
})

test('logs search: a malformed query shows the error with its column, never 0 rows; examples and key completion work', async ({
  page,
  stack,
}) => {
  // The refused search answers 400, which the browser logs.
  const { errors } = await adminSession(page, stack, [400])
  await page.goto(`${stack.webUrl}/logs`)
  const box = page.getByLabel('Search query')
  await box.fill('service:ssh AND (root OR admin')
  await page.getByRole('button', { name: 'Search' }).click()
  const error = page.getByTestId('search-error')
  await expect(error).toContainText('unclosed parenthesis at column 17')
  await expect(error.getByTestId('search-error-query').locator('mark')).toHaveText('(')
  await expect(box).toHaveAttribute('aria-invalid', 'true')
  await expect(page.getByTestId('log-total')).toContainText('Search not run')
  await expect(page.getByTestId('log-total')).not.toContainText('0 matching rows')
  await expect(page.getByTestId('log-row')).toHaveCount(0)
  await shot(page, 'logs-syntax-error.png')

  // Fixed, the same search runs (OR and parentheses are part of the grammar).
  await box.fill('decky:logs-web AND (event:request OR event:connect)')
  await page.getByRole('button', { name: 'Search' }).click()
  await expect(error).toHaveCount(0)
  await expect(page.getByTestId('log-total')).toContainText(/[1-9]\d* matching rows/)

  // The placeholder's examples are real searches; user: finds the username field.
  await expect(box).toHaveAttribute('placeholder', /user:root/)
  await box.fill('decky:logs-web user:pager')
  await page.getByRole('button', { name: 'Search' }).click()
  await expect(page.getByTestId('log-total')).toContainText(/[1-9]\d* matching rows/)

  // Key completion: from the grammar's keys and the captured fields, by keyboard.
  await box.fill('')
  await box.pressSequentially('deck')
  const suggestion = page.getByTestId('search-suggestion').first()
  await expect(suggestion).toContainText('decky:')
  await expect(box).toHaveAttribute('aria-expanded', 'true')
  await page.keyboard.press('Enter')
  await expect(box).toHaveValue('decky:')
  await expect(box).toHaveAttribute('aria-expanded', 'false')
  await box.fill('')
  await box.pressSequentially('userna')
  await expect(page.getByTestId('search-suggestion').first()).toContainText('username:')
  await page.keyboard.press('Escape')
  await expect(box).toHaveAttribute('aria-expanded', 'false')
  expect(errors()).toEqual([])
})

test('logs histogram: stacked per service with time ticks; a drag narrows the logs to that window, reset zoom restores', async ({
  page,
  stack,
}) => {
  test.setTimeout(180_000)
  const ip = await httpDecky(stack)
  const { client } = await signInAdmin(stack)
  const count = async () => (await client.logs.search.query({ q: 'decky:logs-web', limit: 1 })).total
  // Older events, then a split instant, then newer ones: dragging from the split to the end keeps only the newer.
  await hostileRequest(ip)
  const before = await count()
  await expect.poll(count, { timeout: 60_000, intervals: [2_000] }).toBeGreaterThan(before)
  await new Promise((resolve) => setTimeout(resolve, 3_000))
  const split = Date.now()
  await new Promise((resolve) => setTimeout(resolve, 2_000))
  const older = await count()
  for (let i = 0; i < 3; i++) await basicRequest(ip, `zoom-${i}`)
  await expect.poll(count, { timeout: 60_000, intervals: [2_000] }).toBeGreaterThanOrEqual(older + 3)

  const { errors } = await adminSession(page, stack)
  await page.goto(`${stack.webUrl}/logs?q=${encodeURIComponent('decky:logs-web')}`)
  await page.getByTestId('time-range').selectOption('15m')
  await expect(page.getByTestId('log-range')).toContainText('Last 15 minutes')
  await expect(page.getByTestId('log-table')).toHaveAttribute('aria-busy', 'false')
  const total = page.getByTestId('log-total')
  const totalOf = async () => Number(/(\d+) matching rows/.exec((await total.textContent()) ?? '')?.[1] ?? -1)
  await expect(total).toContainText(/[1-9]\d* matching rows/)
  const plot = page.getByTestId('histogram-plot')
  await expect(plot).toBeVisible()
  // Real ticks on the axis (UTC HH:MM) and one legend entry per service.
  await expect(plot.locator('.log-histogram-tick text').first()).toHaveText(/\d{2}:\d{2}$/)
  expect(await plot.locator('.log-histogram-tick').count()).toBeGreaterThanOrEqual(3)
  await expect(page.getByTestId('histogram')).toContainText('http')
  const all = await totalOf()
  expect(all).toBeGreaterThan(3)
  await shot(page, 'logs-histogram.png')

  /** Drags across the plot from instant `start` to its right end (the axis is read from the plot). */
  const dragFrom = async (start: number) => {
    const box = await plot.boundingBox()
    if (!box) throw new Error('histogram not laid out')
    const from = Number(await plot.getAttribute('data-from'))
    const to = Number(await plot.getAttribute('data-to'))
    const x = box.x + ((start - from) / (to - from)) * box.width
    const end = box.x + box.width - 1
    const y = box.y + box.height / 3
    await page.mouse.move(x, y)
    await page.mouse.down()
    await page.mouse.move((x + end) / 2, y, { steps: 4 })
    // While dragging, the chosen span is drawn.
    await expect(page.getByTestId('histogram-selection')).toBeVisible()
    await page.mouse.move(end, y, { steps: 4 })
    await page.mouse.up()
    await expect(plot).not.toHaveAttribute('data-from', String(from))
    await expect(page.getByTestId('log-table')).toHaveAttribute('aria-busy', 'false')
  }
  // A minute before the split first (over 15 minutes a second is about a pixel), then from the split.
  await dragFrom(split - 60_000)
  await expect(page.getByTestId('time-range')).toHaveValue('custom')
  await dragFrom(split)

  // The range is now a custom window; the logs narrowed to the newer events only.
  await expect(page.getByTestId('time-range')).toHaveValue('custom')
  await expect(page.getByTestId('reset-zoom')).toBeVisible()
  await expect.poll(totalOf, { timeout: 15_000 }).toBeLessThan(all)
  const zoomed = await totalOf()
  expect(zoomed).toBeGreaterThanOrEqual(3)
  await shot(page, 'logs-histogram-zoomed.png')

  await page.getByTestId('reset-zoom').click()
  await expect(page.getByTestId('time-range')).toHaveValue('15m')
  await expect.poll(totalOf, { timeout: 15_000 }).toBeGreaterThanOrEqual(all)
  expect(errors()).toEqual([])
})
