import type { Page, Response } from '@playwright/test'
import { consoleData } from '../../fixtures/console-data.ts'
import { CONSOLE_PAGES, pageSlug } from '../../fixtures/console-pages.ts'
import { expect, test } from '../../fixtures/stack.ts'
import { adminSession, coldAdminPage, shot } from '../../fixtures/ui-helpers.ts'

test('config: admin edits limits and interval and manages users', async ({ page, stack }) => {
  const { errors } = await adminSession(page, stack, [400])
  await page.getByRole('navigation').getByRole('link', { name: 'Config' }).click()
  await expect(page.getByTestId('deployment-limit')).toBeVisible()
  await page.getByTestId('deployment-limit').fill('42')
  // The interval is typed before the limit is saved: the settings' refetch after that save must not
  // wipe it.
  await page.getByTestId('global-interval').fill('2h')
  const refetched = page.waitForResponse((response) => response.url().includes('config.get'))
  await page.getByRole('button', { name: 'Save limit' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'deployment limit set to 42' })).toBeVisible()
  await refetched
  await expect(page.getByTestId('global-interval')).toHaveValue('2h')
  await expect(page.getByTestId('deployment-limit')).toHaveValue('42')
  await page.getByRole('button', { name: 'Save interval' }).click()
  await expect(
    page.getByRole('status').filter({ hasText: 'global mutation interval set to 2h' }),
  ).toBeVisible()

  const form = page.getByRole('form', { name: 'Add a user' })
  await form.getByLabel('Username').fill('analyst')
  // A guessable password is refused with the API's reason, shown on the form.
  await form.getByLabel('One-time password (≥ 12)').fill('password1234')
  await form.getByRole('button', { name: 'Add user' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'too easy to guess' })).toContainText(
    'commonly used password',
  )
  await form.getByLabel('One-time password (≥ 12)').fill('analyst-one-time-1')
  await form.getByRole('button', { name: 'Add user' }).click()
  const row = page.getByTestId('user-analyst')
  await expect(row).toContainText('must change password')
  await row.getByLabel('Role of analyst').selectOption('admin')
  await row.getByRole('button', { name: 'Apply' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'user analyst is now admin' })).toBeVisible()
  await row.getByRole('button', { name: 'Reset password' }).click()
  await row.getByLabel('New password for analyst').fill('aaaaaaaaaaaa')
  await row.getByRole('button', { name: 'Set' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'too easy to guess' })).toContainText(
    'Repeated characters',
  )
  await row.getByLabel('New password for analyst').fill('analyst-reset-pass-2')
  await row.getByRole('button', { name: 'Set' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'password of analyst reset' })).toBeVisible()
  await shot(page, 'config-admin.png')
  await row.getByRole('button', { name: 'Delete' }).click()
  await row.getByRole('button', { name: 'Confirm delete' }).click()
  await expect(page.getByTestId('user-analyst')).toHaveCount(0)
  // Own account: no self-demotion or self-deletion offered.
  await expect(page.getByTestId('user-admin').getByRole('button', { name: 'Delete' })).toBeDisabled()
  expect(errors()).toEqual([])
})

/** --bg of each theme in globals.css, as the browser computes it. */
const PAGE_BACKGROUND = { light: 'rgb(244, 245, 247)', dark: 'rgb(13, 17, 23)' } as const
/** A laptop and a desktop screen: every page is kept as a screenshot at both, in both themes. */
const SCREENS = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const

test('every page renders in light and dark themes at 1366×768 and 1920×1080 (screenshots kept)', async ({
  page,
  stack,
}) => {
  test.setTimeout(240_000)
  const data = await test.step('seed deckies, traffic and an incident', () => consoleData(stack))
  const { errors } = await adminSession(page, stack)
  for (const theme of ['light', 'dark'] as const) {
    await page.getByLabel('Colour theme').selectOption(theme)
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
    // The palette follows the chosen theme, not the browser's (light) colour scheme.
    await expect(page.locator('body')).toHaveCSS('background-color', PAGE_BACKGROUND[theme])
    for (const consolePage of CONSOLE_PAGES) {
      await page.setViewportSize(SCREENS[0])
      await page.goto(`${stack.webUrl}${consolePage.path(data)}`)
      await expect(consolePage.ready(page, data)).toBeVisible({ timeout: 15_000 })
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
      for (const screen of SCREENS) {
        await page.setViewportSize(screen)
        // Nothing overflows sideways, even on the laptop.
        expect(
          await page.evaluate(() => document.documentElement.scrollWidth),
          `${consolePage.route} at ${screen.width} px`,
        ).toBeLessThanOrEqual(screen.width)
        const name = `${pageSlug(consolePage)}-${theme}-${screen.width}x${screen.height}.png`
        await shot(page, name)
        await test.info().attach(name, { path: test.info().outputPath(name), contentType: 'image/png' })
      }
    }
  }
  // With no choice made, the system's colour scheme decides.
  await page.getByLabel('Colour theme').selectOption('system')
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /./)
  for (const scheme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    await expect(page.locator('body')).toHaveCSS('background-color', PAGE_BACKGROUND[scheme])
  }
  expect(errors()).toEqual([])
})

type ScriptLoad = { scripts: number; wire: number; decoded: number }

/**
 * The scripts a navigation to `url` loads until the load event, with the browser cache off (every
 * visit is a first visit): how many, body bytes over the wire (compressed) and decoded, as the
 * browser's resource timing counts them.
 */
async function firstLoadScripts(page: Page, url: string, ready: () => Promise<void>): Promise<ScriptLoad> {
  await page.goto(url, { waitUntil: 'load' })
  await ready()
  return page.evaluate(() => {
    const [navigation] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[]
    const loaded = navigation?.loadEventStart || Number.POSITIVE_INFINITY
    const scripts = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter(
      (entry) => entry.initiatorType === 'script' && entry.startTime <= loaded,
    )
    return {
      scripts: scripts.length,
      wire: scripts.reduce((total, entry) => total + entry.encodedBodySize, 0),
      decoded: scripts.reduce((total, entry) => total + entry.decodedBodySize, 0),
    }
  })
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`

test('first-load JavaScript of every route is measured and reported', async ({ page, stack }) => {
  test.setTimeout(180_000)
  const data = await consoleData(stack)
  const { errors } = await adminSession(page, stack)
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })
  const rows: [string, ScriptLoad][] = []
  for (const consolePage of CONSOLE_PAGES) {
    const load = await firstLoadScripts(page, `${stack.webUrl}${consolePage.path(data)}`, () =>
      expect(consolePage.ready(page, data)).toBeVisible({ timeout: 15_000 }),
    )
    expect(load.scripts, consolePage.route).toBeGreaterThan(0)
    rows.push([consolePage.route, load])
  }
  const width = Math.max(...rows.map(([route]) => route.length))
  const table = [
    `${'route'.padEnd(width)}  scripts  over the wire (compressed)      decoded`,
    ...rows.map(
      ([route, load]) =>
        `${route.padEnd(width)}  ${String(load.scripts).padStart(7)}  ${kib(load.wire).padStart(26)}  ${kib(load.decoded).padStart(11)}`,
    ),
  ].join('\n')
  console.log(`First-load JS per route (until the load event, cache off):\n${table}`)
  test.info().annotations.push({ type: 'first-load JS per route', description: table })
  await test.info().attach('first-load-js.txt', { body: table, contentType: 'text/plain' })
  expect(errors()).toEqual([])
})

test('wizard route: first-load JavaScript size is measured and reported', async ({
  browser,
  page,
  stack,
}) => {
  const { context, cold, errors } = await coldAdminPage(browser, page, stack)
  const pending: Promise<void>[] = []
  const scripts = new Map<string, number>()
  const onResponse = (response: Response) => {
    if (response.request().resourceType() !== 'script') return
    pending.push(
      response
        .request()
        .sizes()
        .then((sizes) => {
          scripts.set(response.url(), sizes.responseBodySize)
        }),
    )
  }
  cold.on('response', onResponse)
  await cold.goto(`${stack.webUrl}/fleet/deploy`, { waitUntil: 'load' })
  const loadScripts = new Set(scripts.keys())
  await expect(cold.getByTestId('archetype-windows-server')).toBeVisible()
  await cold.waitForLoadState('networkidle')
  // Stop listening before awaiting: a script fetched later (a prefetch) would otherwise still be
  // reading its sizes when the context closes, and that rejection fails the test (seen in CI).
  cold.off('response', onResponse)
  await Promise.all(pending)
  const sum = (urls: Iterable<string>) => [...urls].reduce((total, url) => total + (scripts.get(url) ?? 0), 0)
  const decoded = await cold.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((entry) => (entry as PerformanceResourceTiming).initiatorType === 'script')
      .reduce((total, entry) => total + (entry as PerformanceResourceTiming).decodedBodySize, 0),
  )
  const report = [
    `first load (until the load event): ${loadScripts.size} scripts, ${kib(sum(loadScripts))} over the wire`,
    `after idle (incl. the lazily loaded INI writer): ${scripts.size} scripts, ${kib(sum(scripts.keys()))} over the wire, ${kib(decoded)} decoded`,
  ].join('\n')
  test.info().annotations.push({ type: 'wizard first-load JS', description: report })
  await test.info().attach('wizard-first-load-js.txt', { body: report, contentType: 'text/plain' })
  expect(loadScripts.size).toBeGreaterThan(0)
  await context.close()
  expect(errors()).toEqual([])
})
