import { execFileSync } from 'node:child_process'
import { expect, type Stack, test } from '../../fixtures/stack.ts'
import { adminSession, deckyOnce, shot, waitTerminal } from '../../fixtures/ui-helpers.ts'

const DECKY = 'page-01'
const DEPLOY_TIMEOUT = 150_000
const PROBE_PATH = '/decky-page-probe'

/** A web-server decky (http + ftp) deployed through the API, running; its LAN IP. */
const webDecky = (stack: Stack) =>
  deckyOnce(stack, DECKY, `[${DECKY}]\narchetype = web-server\n`, DEPLOY_TIMEOUT)

/** Texts of the badges inside a locator (service slugs), in order. */
async function chipTexts(locator: ReturnType<import('@playwright/test').Page['getByTestId']>) {
  return (await locator.locator('.badge').allTextContents()).map((text) => text.trim())
}

test.describe.configure({ mode: 'serial' })

test('clicking a decky name opens its page: persona, services, its events and the attacker who touched it', async ({
  page,
  stack,
}) => {
  test.setTimeout(300_000)
  const ip = await webDecky(stack)
  // A real client from outside: curl against the decky's web service.
  execFileSync('curl', ['-s', '-o', '/dev/null', '--max-time', '10', `http://${ip}${PROBE_PATH}`])
  const { client, errors } = await adminSession(page, stack)
  await expect
    .poll(async () => (await client.logs.search.query({ q: `decky:${DECKY}`, limit: 5 })).total, {
      timeout: 60_000,
    })
    .toBeGreaterThan(0)
  const attackers = await client.attackers.list.query({ decky: DECKY })
  expect(attackers.total).toBeGreaterThan(0)
  const decky = await client.fleet.get.query({ name: DECKY })

  await page.goto(`${stack.webUrl}/fleet`)
  await page.getByTestId(`decky-${DECKY}`).getByTestId('decky-link').click()
  await expect(page).toHaveURL(new RegExp(`/fleet/${DECKY}$`))
  const view = page.getByTestId('decky-page')
  await expect(view.getByTestId('decky-name')).toHaveText(DECKY)
  await expect(view.getByTestId('persona-hostname')).toHaveText(decky.hostname)
  await expect(view.getByTestId('persona-ip')).toHaveText(decky.ip)
  await expect(view.getByTestId('persona-address')).toContainText(decky.address)
  await expect(view.getByTestId('persona-archetype')).toHaveText('web-server')
  await expect(view.getByTestId('decky-services').getByTestId('service-http')).toContainText('80/tcp')
  await expect(view.getByTestId('decky-services').getByTestId('service-ftp')).toContainText('21/tcp')

  // Its events, in the shared log view, and the way to all of them.
  const events = view.getByTestId('decky-events')
  await expect(events.getByTestId('log-row').first()).toBeVisible()
  await expect(events.getByTestId('log-row').first()).toContainText(DECKY)
  expect(await events.getByTestId('log-row').count()).toBeGreaterThan(0)
  await expect(events.getByTestId('decky-all-events')).toHaveAttribute(
    'href',
    `/logs?q=${encodeURIComponent(`decky:${DECKY}`)}`,
  )
  // The attacker (this machine, as the decky LAN sees it) is listed and leads to its page.
  const attacker = attackers.rows[0]!
  const attackerRow = view.getByTestId('decky-attacker-row').filter({ hasText: attacker.ip })
  await expect(attackerRow).toBeVisible()
  await expect(attackerRow.getByRole('link')).toHaveAttribute(
    'href',
    `/attackers/${encodeURIComponent(attacker.id)}`,
  )
  // The deploy is its first operation.
  await expect(view.getByTestId('history-row').last()).toHaveAttribute('data-operation', 'deploy')
  await shot(page, 'decky-page.png')
  expect(errors()).toEqual([])
})

test('mutate needs confirmation showing old → new; once done the decky page shows the before/after', async ({
  page,
  stack,
}) => {
  test.setTimeout(300_000)
  await webDecky(stack)
  const { client, errors } = await adminSession(page, stack)
  const before = (await client.fleet.get.query({ name: DECKY })).services
  expect([...before].sort()).toEqual(['ftp', 'http'])
  await page.goto(`${stack.webUrl}/fleet/${DECKY}`)
  const view = page.getByTestId('decky-page')

  // Opening the dialog draws, but commits nothing; Cancel leaves the decky as it was.
  await view.getByRole('button', { name: `Mutate ${DECKY}` }).click()
  const dialog = page.getByTestId('mutate-dialog')
  await expect(dialog.getByTestId('mutate-current')).toBeVisible()
  expect((await chipTexts(dialog.getByTestId('mutate-current'))).sort()).toEqual(['ftp', 'http'])
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(dialog).toHaveCount(0)
  expect((await client.fleet.get.query({ name: DECKY })).services).toEqual(before)
  expect((await client.fleet.history.query({ name: DECKY })).rows.map((r) => r.operation)).toEqual(['deploy'])

  // Again: the operator picks the set (ftp only) instead of the draw, sees now → after, confirms.
  await view.getByRole('button', { name: `Mutate ${DECKY}` }).click()
  await expect(dialog.getByTestId('mutate-next').locator('.badge').first()).toBeVisible()
  await dialog.getByRole('button', { name: 'Pick services' }).click()
  const pick = dialog.getByTestId('mutate-pick')
  await pick.getByRole('checkbox', { name: 'ftp' }).check()
  await pick.getByRole('checkbox', { name: 'http' }).uncheck()
  expect(await chipTexts(dialog.getByTestId('mutate-next'))).toEqual(['ftp'])
  await shot(page, 'decky-mutate-confirm.png')
  expect((await client.fleet.get.query({ name: DECKY })).services).toEqual(before)
  await dialog.getByTestId('mutate-confirm').click()
  await expect(dialog).toHaveCount(0)
  await expect(view.getByTestId('decky-message')).toContainText(`${DECKY} mutating from`)
  await expect(view.getByTestId('decky-message')).toContainText('to ftp')

  // The history row follows the runner live to success and shows the before/after.
  const mutation = view
    .getByTestId('history-row')
    .filter({ has: page.getByTestId('history-change') })
    .first()
  await expect(mutation).toHaveAttribute('data-operation', 'mutate')
  await expect(mutation).toHaveAttribute('data-status', 'succeeded', { timeout: DEPLOY_TIMEOUT })
  expect((await chipTexts(mutation.getByTestId('history-from'))).sort()).toEqual(['ftp', 'http'])
  expect(await chipTexts(mutation.getByTestId('history-to'))).toEqual(['ftp'])
  await expect(mutation).toContainText('admin')
  // Services and the archetype label say what it runs now.
  await expect(view.getByTestId('decky-services').getByTestId('service-ftp')).toBeVisible()
  await expect(view.getByTestId('decky-services').getByTestId('service-http')).toHaveCount(0)
  await expect(view.getByTestId('persona-archetype')).toHaveText('web-server (mutated)')
  expect((await client.fleet.get.query({ name: DECKY })).services).toEqual(['ftp'])
  await shot(page, 'decky-after-mutation.png')
  expect(errors()).toEqual([])
})

test('a draw that went stale (the decky changed meanwhile) is refused, shown again and confirmed afresh', async ({
  page,
  stack,
}) => {
  test.setTimeout(300_000)
  await webDecky(stack)
  // The refused confirmation is a 409 on purpose.
  const { client, errors } = await adminSession(page, stack, [409])
  const seen = (await client.fleet.get.query({ name: DECKY })).services
  await page.goto(`${stack.webUrl}/fleet/${DECKY}`)
  const view = page.getByTestId('decky-page')
  await view.getByRole('button', { name: `Mutate ${DECKY}` }).click()
  const dialog = page.getByTestId('mutate-dialog')
  await expect(dialog.getByTestId('mutate-next').locator('.badge').first()).toBeVisible()
  expect(await chipTexts(dialog.getByTestId('mutate-current'))).toEqual(seen)

  // Another operator mutates it while this dialog is open.
  const other = seen.includes('http') ? ['ftp'] : ['http']
  const meanwhile = await client.fleet.mutate.mutate({
    name: DECKY,
    services: other as ['ftp'],
    expectedServices: seen,
  })
  await waitTerminal(client, meanwhile.lifecycleIds, DEPLOY_TIMEOUT)

  await dialog.getByTestId('mutate-confirm').click()
  await expect(dialog.getByTestId('mutate-stale')).toBeVisible()
  await expect.poll(() => chipTexts(dialog.getByTestId('mutate-current'))).toEqual(other)
  expect((await client.fleet.get.query({ name: DECKY })).services).toEqual(other)
  // Confirmed again from what it really runs now: accepted.
  const next = await chipTexts(dialog.getByTestId('mutate-next'))
  await dialog.getByTestId('mutate-confirm').click()
  await expect(dialog).toHaveCount(0)
  await expect(view.getByTestId('decky-message')).toContainText(
    `${DECKY} mutating from ${other.join(', ')} to ${next.join(', ')}`,
  )
  expect(errors()).toEqual([])
})

test('an unknown decky, and any unknown console address, show the styled not-found with a way back', async ({
  page,
  stack,
}) => {
  const { errors } = await adminSession(page, stack, [404])
  await page.goto(`${stack.webUrl}/fleet/no-such-decky`)
  const panel = page.getByTestId('not-found')
  await expect(panel).toContainText('No such decky')
  await expect(panel).toContainText('no-such-decky')
  // Inside the console: the navigation is there.
  await expect(page.getByRole('navigation', { name: 'Console' })).toBeVisible()
  await shot(page, 'decky-not-found.png')
  await panel.getByTestId('not-found-back').click()
  await expect(page).toHaveURL(/\/fleet$/)

  await page.goto(`${stack.webUrl}/no/such/page`)
  await expect(page.getByTestId('not-found')).toContainText('Nothing here')
  await expect(page.getByRole('navigation', { name: 'Console' })).toBeVisible()
  await page.getByTestId('not-found-back').click()
  await expect(page).toHaveURL(/\/fleet$/)
  expect(errors()).toEqual([])
})
