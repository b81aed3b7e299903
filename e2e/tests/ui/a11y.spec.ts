import type { Locator, Page } from '@playwright/test'
import { blockingViolations, COLOUR_RULES, formatFindings } from '../../fixtures/axe.ts'
import { consoleData } from '../../fixtures/console-data.ts'
import { appRoutes, CONSOLE_PAGES, PUBLIC_PAGES } from '../../fixtures/console-pages.ts'
import { expect, test } from '../../fixtures/stack.ts'
import { adminSession, watchConsole } from '../../fixtures/ui-helpers.ts'

const THEMES = ['light', 'dark'] as const

/** What a keyboard user can focus. */
const CONTROLS =
  'a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), summary, [tabindex]:not([tabindex="-1"])'

/**
 * Focuses each shown element (runs in the page, self-contained) and says which shows no focus
 * indicator (an outline or a ring) while :focus-visible.
 */
function focusProblems(elements: Element[]): string[] {
  const problems: string[] = []
  for (const element of elements) {
    if (!(element instanceof HTMLElement) || element.getClientRects().length === 0) continue
    if (document.activeElement !== element) element.focus()
    const name = (element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 40)
    const what = `${element.tagName.toLowerCase()} "${name}"`
    if (!element.matches(':focus-visible')) {
      problems.push(`${what} is not :focus-visible when focused`)
      continue
    }
    const style = getComputedStyle(element)
    const outline = style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 1
    if (!outline && style.boxShadow === 'none') problems.push(`${what} has no visible focus indicator`)
  }
  return problems
}

const isFocused = (target: Locator) => target.evaluate((element) => element === document.activeElement)

/** Presses Tab until `target` has the focus; every stop on the way must show where the focus is. */
async function tabTo(page: Page, target: Locator, limit = 80): Promise<void> {
  for (let presses = 0; presses < limit; presses++) {
    await page.keyboard.press('Tab')
    expect(await page.locator(':focus').evaluateAll(focusProblems)).toEqual([])
    if (await isFocused(target)) return
  }
  throw new Error(`${target} not reached with ${limit} presses of Tab`)
}

test('every page of the web app is in the page-wide checks', () => {
  const listed = [...CONSOLE_PAGES, ...PUBLIC_PAGES].map((page) => page.route).sort()
  expect(listed, 'add the new page to CONSOLE_PAGES (e2e/fixtures/console-pages.ts)').toEqual(appRoutes())
})

// One test per theme: each walks every page, and one walk is long enough for a slow machine.
for (const theme of THEMES) {
  const allRules = theme === THEMES[0]
  test(`axe (${theme} theme): no serious or critical WCAG 2.1 AA (or best-practice) violation on any page${allRules ? '; one main landmark; every control shows its focus' : ''}`, async ({
    browser,
    page,
    stack,
  }) => {
    test.setTimeout(360_000)
    const data = await test.step('seed deckies, traffic and an incident', () => consoleData(stack))
    const { errors } = await adminSession(page, stack)
    const report: string[] = []
    const unfocusable: string[] = []
    await page.getByLabel('Colour theme').selectOption(theme)
    for (const consolePage of CONSOLE_PAGES) {
      await test.step(consolePage.route, async () => {
        await page.goto(`${stack.webUrl}${consolePage.path(data)}`)
        await expect(consolePage.ready(page, data)).toBeVisible({ timeout: 15_000 })
        await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
        // The first theme gets every rule; the second only what its colours can change.
        const findings = await blockingViolations(page, allRules ? undefined : COLOUR_RULES)
        if (findings.length > 0) report.push(formatFindings(`${consolePage.route} (${theme})`, findings))
        if (!allRules) return
        // One main landmark, the skip link's target.
        await expect(page.getByRole('main')).toHaveAttribute('id', 'content')
        // Every control, focused as the keyboard focuses it (a key pressed first), shows a focus ring.
        await page.keyboard.press('Shift')
        const missing = await page.locator(CONTROLS).evaluateAll(focusProblems)
        unfocusable.push(...missing.map((problem) => `${consolePage.route}: ${problem}`))
      })
    }
    // Signed out, the theme is the system's.
    const context = await browser.newContext({ colorScheme: theme })
    const visitor = await context.newPage()
    const visitorErrors = watchConsole(visitor)
    for (const publicPage of PUBLIC_PAGES) {
      await visitor.goto(`${stack.webUrl}${publicPage.path(data)}`)
      await expect(publicPage.ready(visitor, data)).toBeVisible()
      const findings = await blockingViolations(visitor, allRules ? undefined : COLOUR_RULES)
      if (findings.length > 0)
        report.push(formatFindings(`${publicPage.route} (${theme}, signed out)`, findings))
    }
    await context.close()
    expect(visitorErrors()).toEqual([])
    const text = report.join('\n')
    if (text) await test.info().attach('axe-violations.txt', { body: text, contentType: 'text/plain' })
    expect(text, 'axe found serious or critical violations').toBe('')
    expect(unfocusable).toEqual([])
    expect(errors()).toEqual([])
  })
}

test('keyboard: the fleet table’s row actions are reached with Tab; a teardown is confirmed or cancelled without the mouse', async ({
  page,
  stack,
}) => {
  const data = await consoleData(stack)
  const { errors } = await adminSession(page, stack)
  await page.goto(`${stack.webUrl}/fleet`)
  const row = page.getByTestId(`decky-${data.decky}`)
  await expect(row.getByTestId('decky-state')).toHaveText('running')
  await page.getByRole('searchbox').focus()
  const tearDown = row.getByRole('button', { name: `Tear down ${data.decky}` })
  await tabTo(page, tearDown)
  await page.keyboard.press('Enter')
  // The confirmation takes the focus, on the safe choice; Escape backs out and gives the focus back.
  const cancel = row.getByRole('button', { name: 'Cancel' })
  await expect(row.getByRole('button', { name: 'Confirm teardown' })).toBeVisible()
  expect(await isFocused(cancel)).toBe(true)
  await page.keyboard.press('Escape')
  await expect(row.getByRole('button', { name: 'Confirm teardown' })).toHaveCount(0)
  expect(await isFocused(tearDown)).toBe(true)
  await expect(row.getByTestId('decky-state')).toHaveText('running')
  expect(errors()).toEqual([])
})

test('keyboard: the deploy wizard is walked to its review with Tab, Space and Enter', async ({
  page,
  stack,
}) => {
  const { errors } = await adminSession(page, stack)
  await page.goto(`${stack.webUrl}/fleet/deploy`)
  await expect(page.getByTestId('archetype-windows-server')).toBeVisible()
  await page.getByRole('link', { name: 'Cancel' }).focus()
  // A radio group is one Tab stop (its checked option); the arrow keys choose within it.
  await tabTo(page, page.getByLabel('Pick an archetype'))
  await page.keyboard.press('ArrowRight')
  await expect(page.getByLabel('Pick services')).toBeChecked()
  const http = page.getByTestId('service-http').getByRole('checkbox')
  await tabTo(page, http)
  await page.keyboard.press('Space')
  await expect(http).toBeChecked()
  const next = page.getByRole('button', { name: 'Next' })
  await tabTo(page, next, 200)
  await page.keyboard.press('Enter')
  await expect(page.locator('.steps li[aria-current="step"]')).toContainText('2.')
  await page.getByLabel('Name prefix').focus()
  await page.keyboard.type('kbd')
  await tabTo(page, next)
  await page.keyboard.press('Enter')
  await expect(page.locator('.steps li[aria-current="step"]')).toContainText('3.')
  await tabTo(page, next)
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { name: 'Fleet INI' })).toBeVisible()
  // Escape discards nothing: the review and its plan stay.
  await page.keyboard.press('Escape')
  await expect(page.getByRole('heading', { name: 'Fleet INI' })).toBeVisible()
  expect(errors()).toEqual([])
})

test('layout: the fleet table needs no horizontal scroll at 1280 px, even with long names and many services', async ({
  page,
  stack,
}) => {
  const data = await consoleData(stack)
  const { errors } = await adminSession(page, stack)
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(`${stack.webUrl}/fleet`)
  for (const name of data.deckies) await expect(page.getByTestId(`decky-${name}`)).toBeVisible()
  const overflow = await page.getByTestId('fleet-table').evaluate((table) => {
    const container = table.parentElement as HTMLElement
    return {
      scrollWidth: container.scrollWidth,
      clientWidth: container.clientWidth,
      page: document.documentElement.scrollWidth,
    }
  })
  expect(overflow.scrollWidth, JSON.stringify(overflow)).toBeLessThanOrEqual(overflow.clientWidth)
  expect(overflow.page).toBeLessThanOrEqual(1280)
  expect(errors()).toEqual([])
})
