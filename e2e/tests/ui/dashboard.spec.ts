import { gzipSync } from 'node:zlib'
import { basicAuth, httpGet } from '../../fixtures/attacker.ts'
import { expect, type Stack, test } from '../../fixtures/stack.ts'
import { adminSession, coldAdminPage, deckyOnce, shot } from '../../fixtures/ui-helpers.ts'

const DECKY = 'dash-web'
/** The dashboard route's first-load JavaScript budget (issue 19), gzip. */
const FIRST_LOAD_BUDGET = 250 * 1024

/** A decky with http, deployed through the API, and its IP. */
const httpDecky = (stack: Stack) => deckyOnce(stack, DECKY, `[${DECKY}]\nservices = http\n`)

/** One request to the decky with Basic credentials: a request event and a credential attempt. */
const attack = (ip: string, password: string) =>
  httpGet(ip, '/wp-login.php', { authorization: basicAuth('dashroot', password) })

const count = async (locator: import('@playwright/test').Locator, attribute: string) =>
  Number(await locator.getAttribute(attribute))

test.describe.configure({ mode: 'serial' })

test('dashboard: charts, top lists and the map show the attacks, and a new attack arrives live', async ({
  page,
  stack,
}) => {
  test.setTimeout(300_000)
  const ip = await httpDecky(stack)
  for (let i = 0; i < 3; i++) await attack(ip, `dash-pass-${i}`)
  const { errors } = await adminSession(page, stack)

  // Signed in, the public page leads to the overview; the nav's first entry is it.
  await page.goto(stack.webUrl)
  await expect(page).toHaveURL(/\/dashboard$/)
  await expect(page.getByRole('navigation').getByRole('link').first()).toHaveText('Overview')
  await page.getByTestId('time-range').selectOption('1h')

  // The attacks are ingested asynchronously: the figures catch up without a reload (live refresh).
  const decky = page.locator(`[data-testid="top-decky-row"][data-decky="${DECKY}"]`)
  await expect(decky).toBeVisible({ timeout: 90_000 })
  await expect.poll(() => count(decky, 'data-events'), { timeout: 60_000 }).toBeGreaterThanOrEqual(6)
  // The stacked timeline carries the events it draws, per service.
  const chart = page.getByTestId('timeline-chart')
  await expect.poll(() => count(chart, 'data-total')).toBeGreaterThanOrEqual(6)
  const httpLegend = chart.locator('[data-testid="timeline-legend-item"][data-service="http"]')
  await expect.poll(() => count(httpLegend, 'data-count')).toBeGreaterThanOrEqual(6)
  await expect(chart.locator('canvas').first()).toBeVisible()
  expect(Number(await page.getByTestId('dashboard-events').textContent())).toBeGreaterThanOrEqual(6)
  // Top lists link onward.
  await expect(page.locator('[data-testid="top-service-row"][data-service="http"]')).toBeVisible()
  await expect(page.getByTestId('top-attacker-row').first()).toBeVisible()
  await expect(page.getByTestId('top-credential-row').filter({ hasText: 'dashroot' }).first()).toBeVisible()
  await expect(decky.getByRole('link', { name: DECKY })).toHaveAttribute('href', `/fleet/${DECKY}`)
  await expect(
    page.locator('[data-testid="top-service-row"][data-service="http"]').getByRole('link'),
  ).toHaveAttribute('href', /^\/logs\?q=service%3Ahttp&range=1h$/)
  const attackerLink = page.getByTestId('top-attacker-row').first().getByRole('link')
  await expect(attackerLink).toHaveAttribute('href', /^\/attackers\/[0-9a-f-]{36}$/)
  // The test's own traffic comes from the bridge gateway: a private source, grouped as such.
  const privateSources = page.getByTestId('region-private')
  await expect
    .poll(() => count(privateSources, 'data-attackers'), { timeout: 60_000 })
    .toBeGreaterThanOrEqual(1)
  await expect(page.getByTestId('world-map').locator('path').first()).toBeAttached({ timeout: 30_000 })
  expect(await page.getByTestId('world-map').locator('path').count()).toBeGreaterThan(100)
  await expect(page.locator(`[data-testid="under-attack-row"][data-decky="${DECKY}"]`)).toBeVisible({
    timeout: 30_000,
  })
  await expect(page.getByTestId('dashboard-live-status')).toHaveText('live')
  await shot(page, 'dashboard.png')

  // A new attack: its event appears in the live feed and the figures move, with no reload.
  const before = await count(decky, 'data-events')
  const totalBefore = await count(chart, 'data-total')
  await page.evaluate(() => {
    ;(window as unknown as { __sameDocument?: boolean }).__sameDocument = true
  })
  await attack(ip, 'dash-pass-live')
  await expect(page.locator(`[data-testid="live-feed-row"][data-decky="${DECKY}"]`).first()).toBeVisible({
    timeout: 60_000,
  })
  await expect.poll(() => count(decky, 'data-events'), { timeout: 60_000 }).toBeGreaterThan(before)
  await expect.poll(() => count(chart, 'data-total'), { timeout: 60_000 }).toBeGreaterThan(totalBefore)
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(
    true,
  )
  await page.getByLabel('Colour theme').selectOption('dark')
  await shot(page, 'dashboard-dark.png')
  await page.setViewportSize({ width: 1366, height: 768 })
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366)
  await shot(page, 'dashboard-laptop.png')
  expect(errors()).toEqual([])
})

test('dashboard route: first-load JavaScript is measured (gzip) and within budget', async ({
  browser,
  page,
  stack,
}) => {
  const { context, cold, errors } = await coldAdminPage(browser, page, stack)
  const bodies = new Map<string, Promise<number>>()
  let loaded = false
  const firstLoad = new Set<string>()
  cold.on('response', (response) => {
    if (response.request().resourceType() !== 'script') return
    if (!loaded) firstLoad.add(response.url())
    // The console's server does not compress: gzip each body here, as a compressing proxy would.
    bodies.set(
      response.url(),
      response.body().then((body) => gzipSync(body).length),
    )
  })
  await cold.goto(`${stack.webUrl}/dashboard`, { waitUntil: 'load' })
  loaded = true
  await expect(cold.getByTestId('dashboard')).toBeVisible()
  await expect(cold.getByTestId('timeline-chart').or(cold.getByText('Loading…').first())).toBeVisible()
  await cold.waitForLoadState('networkidle')
  const sizes = new Map(await Promise.all([...bodies].map(async ([url, size]) => [url, await size] as const)))
  const sum = (urls: Iterable<string>) => [...urls].reduce((total, url) => total + (sizes.get(url) ?? 0), 0)
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`
  const first = sum(firstLoad)
  const report = [
    `dashboard first load (until the load event): ${firstLoad.size} scripts, ${kib(first)} gzip`,
    `after idle (incl. lazily loaded uPlot, the world map and the routes the nav prefetches): ${sizes.size} scripts, ${kib(sum(sizes.keys()))} gzip`,
  ].join('\n')
  console.log(report)
  test.info().annotations.push({ type: 'dashboard first-load JS', description: report })
  await test.info().attach('dashboard-first-load-js.txt', { body: report, contentType: 'text/plain' })
  expect(firstLoad.size).toBeGreaterThan(0)
  expect(first).toBeLessThanOrEqual(FIRST_LOAD_BUDGET)
  await context.close()
  expect(errors()).toEqual([])
})
