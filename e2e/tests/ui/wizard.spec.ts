import type { Locator } from '@playwright/test'
import { DECOY_IMAGE_TAG } from '../../../packages/decoys/src/image-tag.ts'
import { docker, instanceContainers, runNodeOnLan } from '../../fixtures/docker.ts'
import { freeSubnet } from '../../fixtures/network.ts'
import { expect, test } from '../../fixtures/stack.ts'
import { adminSession, shot, waitTerminal, wizardToReview } from '../../fixtures/ui-helpers.ts'

const DEPLOY_TIMEOUT = 150_000

const textOf = async (locator: Locator) => (await locator.textContent()) ?? ''

function startedAt(instance: string, decky: string): string[] {
  return instanceContainers(instance)
    .filter((c) => c.decky === decky)
    .map((c) => `${c.name}@${docker(['inspect', '-f', '{{.State.StartedAt}}', c.name])}`)
    .sort()
}

test.describe.configure({ mode: 'serial' })

test('wizard deploys one decky, then a second; both succeed live and the first is untouched', async ({
  page,
  stack,
}) => {
  test.setTimeout(400_000)
  const { client, errors } = await adminSession(page, stack)
  await shot(page, 'fleet-empty.png')

  await page.goto(`${stack.webUrl}/fleet`)
  await page.getByTestId('open-wizard').click()
  await expect(page.getByTestId('archetype-windows-server')).toBeVisible()
  await shot(page, 'wizard-1-archetypes.png')
  await wizardToReview(page, stack, { prefix: 'web', service: 'http' })
  await expect(page.getByTestId('generated-ini')).toContainText('[web-01]')
  await expect(page.getByTestId('generated-ini')).toContainText('services = http')
  await expect(page.getByTestId('preview-web-01')).toContainText('http')
  await shot(page, 'wizard-4-review.png')
  // What the preview shows is what the deploy commits: the drawn host name and MAC, and the IP.
  const previewed = page.getByTestId('preview-web-01')
  const shown = {
    hostname: await textOf(previewed.getByTestId('preview-hostname')),
    mac: await textOf(previewed.getByTestId('preview-mac')),
    ip: await textOf(previewed.getByTestId('preview-ip')),
  }
  await page.getByTestId('deploy-button').click()

  const first = page.getByTestId('deploy-progress').getByTestId('lifecycle-row-web-01')
  await expect(first).toBeVisible()
  const seen = new Set<string>()
  const deadline = Date.now() + DEPLOY_TIMEOUT
  while (Date.now() < deadline) {
    const status = await first.getAttribute('data-status')
    if (status) seen.add(status)
    if (status === 'succeeded' || status === 'failed') break
    await page.waitForTimeout(100)
  }
  await expect(first).toHaveAttribute('data-status', 'succeeded')
  await expect(page.getByTestId('deploy-progress-summary')).toHaveText('Finished: all 1 succeeded.')
  await shot(page, 'wizard-5-progress.png')
  test.info().annotations.push({ type: 'statuses seen for web-01', description: [...seen].join(' → ') })
  const deployed = (await client.fleet.list.query()).find((d) => d.name === 'web-01')
  expect({ hostname: deployed?.hostname, mac: deployed?.mac, ip: deployed?.ip }).toEqual(shown)
  // The hostname the decky's container really carries is the previewed one.
  expect(docker(['inspect', '-f', '{{.Config.Hostname}}', `${stack.instance}-web-01`])).toBe(shown.hostname)
  const firstContainers = startedAt(stack.instance, 'web-01')
  expect(firstContainers.length).toBeGreaterThan(0)

  // Second deploy: the same prefix picks the next free name, never web-01 again.
  await page.getByRole('button', { name: 'Deploy more' }).click()
  await page.getByLabel('Pick services').check()
  await page.getByTestId('service-http').getByRole('checkbox').check()
  await page.getByRole('button', { name: 'Next' }).click()
  await page.getByLabel('Name prefix').fill('web')
  await expect(page.getByTestId('planned-names')).toHaveText('web-02')
  await page.getByRole('button', { name: 'Next' }).click()
  await page.getByRole('button', { name: 'Next' }).click()
  await expect(page.getByTestId('preview-web-02')).toBeVisible()
  await page.getByTestId('deploy-button').click()
  await expect(page.getByTestId('deploy-progress').getByTestId('lifecycle-row-web-02')).toBeVisible()
  // Closing the wizard cancels nothing: the fleet page keeps following the deploy live.
  await page.getByTestId('close-wizard').click()
  await expect(page).toHaveURL(/\/fleet$/)
  // The operations tray is one collapsed line with live counts; the fleet stays above the fold.
  const tray = page.getByTestId('tracked-ops')
  const toggle = tray.getByTestId('ops-toggle')
  await expect(toggle).toHaveAttribute('aria-expanded', 'false')
  await expect(tray.getByTestId('ops-body')).toBeHidden()
  await expect(tray.getByTestId('ops-summary')).toContainText('in progress')
  const tracked = tray.getByTestId('lifecycle-row-web-02')
  await expect(tracked).toHaveAttribute('data-status', 'succeeded', { timeout: DEPLOY_TIMEOUT })
  await expect(tray.getByTestId('ops-in-progress')).toHaveText('0 in progress')
  await expect(tray.getByTestId('ops-succeeded')).toHaveText(/^[1-9]\d* succeeded$/)
  const viewport = page.viewportSize()
  const trayBox = await tray.boundingBox()
  expect(trayBox?.height).toBeLessThan(60)
  // The table's first row, whichever decky sorts first (earlier specs on this stack leave theirs).
  const firstRow = await page.getByTestId('fleet-table').locator('tbody tr').first().boundingBox()
  expect((firstRow?.y ?? Number.POSITIVE_INFINITY) + (firstRow?.height ?? 0)).toBeLessThan(
    viewport?.height ?? 0,
  )
  // Keyboard: Enter opens it, Escape closes it and gives focus back to the toggle.
  await toggle.focus()
  await page.keyboard.press('Enter')
  await expect(toggle).toHaveAttribute('aria-expanded', 'true')
  await expect(tracked).toBeVisible()
  await shot(page, 'fleet-ops-tray-open.png')
  await tray
    .getByRole('button', { name: /^Dismiss Deploy/ })
    .first()
    .focus()
  await page.keyboard.press('Escape')
  await expect(toggle).toHaveAttribute('aria-expanded', 'false')
  await expect(toggle).toBeFocused()
  await expect(tracked).toBeHidden()
  await expect(page.getByTestId('decky-web-02')).toHaveAttribute('data-state', 'running', { timeout: 15_000 })
  await expect(page.getByTestId('decky-web-01')).toHaveAttribute('data-state', 'running')
  await shot(page, 'fleet-two-deckies.png')

  // The first decky's containers were not recreated by the second deploy.
  expect(startedAt(stack.instance, 'web-01')).toEqual(firstContainers)
  const fleet = await client.fleet.list.query()
  expect(
    fleet
      .filter((d) => d.name.startsWith('web-'))
      .map((d) => `${d.name}:${d.state}`)
      .sort(),
  ).toEqual(['web-01:running', 'web-02:running'])
  expect(errors()).toEqual([])
})

test('a deploy after the fleet changed under its preview is refused with CONFLICT; the new preview deploys as shown', async ({
  page,
  stack,
}) => {
  test.setTimeout(300_000)
  const { client, errors } = await adminSession(page, stack, [409])
  await wizardToReview(page, stack, { prefix: 'race', service: 'http' })
  const previewed = page.getByTestId('preview-race-01')
  const firstIp = await textOf(previewed.getByTestId('preview-ip'))
  const hostname = await textOf(previewed.getByTestId('preview-hostname'))
  // Meanwhile someone else takes the previewed address.
  await client.fleet.deploy.mutate({ ini: `[squat-01]\nservices = http\nip = ${firstIp}\n` })
  await page.getByTestId('deploy-button').click()
  const refused = page.getByTestId('deploy-error')
  await expect(refused).toContainText('CONFLICT')
  await expect(refused).toContainText('the fleet changed since the preview')
  await expect(refused).toContainText(`'race-01': IP ${firstIp} →`)
  await expect(refused).toContainText("now held by decky 'squat-01'")
  expect((await client.fleet.list.query()).some((d) => d.name === 'race-01')).toBe(false)
  // The preview now shows what a deploy would do: another address, the same drawn host name.
  await expect(previewed.getByTestId('preview-ip')).not.toHaveText(firstIp)
  const newIp = await textOf(previewed.getByTestId('preview-ip'))
  await expect(previewed.getByTestId('preview-hostname')).toHaveText(hostname)
  await shot(page, 'wizard-preview-drift.png')
  await page.getByTestId('deploy-button').click()
  const row = page.getByTestId('deploy-progress').getByTestId('lifecycle-row-race-01')
  await expect(row).toHaveAttribute('data-status', 'succeeded', { timeout: DEPLOY_TIMEOUT })
  const race = (await client.fleet.list.query()).find((d) => d.name === 'race-01')
  expect({ ip: race?.ip, hostname: race?.hostname }).toEqual({ ip: newIp, hostname })
  expect(errors()).toEqual([])
})

test('at 1280 px the fleet table does not scroll sideways; decky and attacker addresses never wrap', async ({
  page,
  stack,
}) => {
  test.setTimeout(180_000)
  await page.setViewportSize({ width: 1280, height: 800 })
  const { client, errors } = await adminSession(page, stack)
  await page.goto(`${stack.webUrl}/fleet`)
  await expect(page.getByTestId('decky-web-01')).toBeVisible()
  const fits = await page.evaluate(() => {
    const table = document.querySelector('[data-testid="fleet-table"]') as HTMLElement
    const wrap = table.parentElement as HTMLElement
    return {
      table: table.scrollWidth,
      wrap: wrap.clientWidth,
      page: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
    }
  })
  expect(fits.table).toBeLessThanOrEqual(fits.wrap)
  expect(fits.page).toBeLessThanOrEqual(fits.viewport)
  await shot(page, 'fleet-1280.png')

  // An attack from this machine to web-01 makes an attacker whose address is then shown everywhere.
  const target = (await client.fleet.list.query()).find((d) => d.name === 'web-01')
  const answer = await fetch(`http://${target?.ip}/wp-login.php`, {
    headers: { 'user-agent': 'nowrap-check/1.0' },
  })
  expect(answer.status).toBeGreaterThan(0)
  await expect
    .poll(async () => (await client.attackers.list.query({ sort: 'recent', limit: 5 })).rows.length, {
      timeout: 60_000,
    })
    .toBeGreaterThan(0)
  // A narrow window puts every column under pressure: an address still stays on one line.
  await page.setViewportSize({ width: 480, height: 800 })
  for (const path of ['/attackers', '/fleet']) {
    await page.goto(`${stack.webUrl}${path}`)
    const addresses = page.locator('[data-ip]')
    await expect(addresses.first()).toBeVisible()
    const lines = await addresses.evaluateAll((elements) =>
      elements.map((element) => ({
        text: element.textContent,
        lines: element.getClientRects().length,
        whiteSpace: getComputedStyle(element.querySelector('.safe-text') ?? element).whiteSpace,
      })),
    )
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines)
      expect(line, `${path}: ${line.text}`).toMatchObject({ lines: 1, whiteSpace: 'nowrap' })
    await shot(page, `narrow${path.replace('/', '-')}.png`)
  }
  expect(errors()).toEqual([])
})

test('a colliding explicit IP shows CONFLICT in review and deploys nothing', async ({ page, stack }) => {
  const { client, errors } = await adminSession(page, stack, [409])
  const before = await client.fleet.list.query()
  const taken = before.find((d) => d.name === 'web-01')?.ip
  expect(taken).toBeTruthy()
  await wizardToReview(page, stack, { prefix: 'clash', service: 'http', ip: taken })
  const problem = page.getByTestId('preview-error')
  await expect(problem).toContainText('CONFLICT')
  await expect(problem).toContainText(taken as string)
  await expect(page.getByTestId('deploy-button')).toBeDisabled()
  await shot(page, 'wizard-conflict.png')
  const after = await client.fleet.list.query()
  expect(after.map((d) => d.name).sort()).toEqual(before.map((d) => d.name).sort())
  expect(errors()).toEqual([])
})

test('a deploy that fails on the engine shows failed with its reason', async ({ page, stack }) => {
  test.setTimeout(300_000)
  const { errors } = await adminSession(page, stack)
  // Squat an address on the decky network so Docker refuses to start the decky's base container there.
  const base = stack.subnet.replace(/\.0\/24$/, '')
  const squatIp = `${base}.201`
  const squatter = `${stack.instance}-squatter`
  runNodeOnLan(stack.instance, {
    name: squatter,
    ip: squatIp,
    image: DECOY_IMAGE_TAG,
    script: 'setInterval(() => {}, 1 << 30)',
    removeOnExit: true,
  })
  try {
    await wizardToReview(page, stack, { prefix: 'doomed', service: 'http', ip: squatIp })
    await expect(page.getByTestId('preview-doomed-01')).toBeVisible()
    await page.getByTestId('deploy-button').click()
    const row = page.getByTestId('deploy-progress').getByTestId('lifecycle-row-doomed-01')
    await expect(row).toHaveAttribute('data-status', 'failed', { timeout: DEPLOY_TIMEOUT })
    await expect(row.getByTestId('lifecycle-error')).not.toBeEmpty()
    await expect(page.getByTestId('deploy-progress-summary')).toContainText('Finished with errors')
    await shot(page, 'wizard-failed.png')
    test.info().annotations.push({
      type: 'failure reason',
      description: (await row.getByTestId('lifecycle-error').textContent()) ?? '',
    })
  } finally {
    docker(['rm', '-f', squatter])
  }
  expect(errors()).toEqual([])
})

test('fleet actions: mutate shows live progress, interval change, teardown needs confirmation', async ({
  page,
  stack,
}) => {
  test.setTimeout(300_000)
  const { client, errors } = await adminSession(page, stack)
  if (!(await client.fleet.list.query()).some((d) => d.name === 'act-01')) {
    await client.fleet.deploy.mutate({ ini: '[act-01]\nservices = http, ftp\n' })
  }
  await page.goto(`${stack.webUrl}/fleet`)
  const decky = page.getByTestId('decky-act-01')
  await expect(decky).toHaveAttribute('data-state', 'running', { timeout: DEPLOY_TIMEOUT })

  // Mutate asks first: the dialog shows what runs now and what the draw gives; nothing changes until confirmed.
  await decky.getByRole('button', { name: 'Mutate act-01' }).click()
  const dialog = page.getByTestId('mutate-dialog')
  await expect(dialog.getByTestId('mutate-current')).toContainText('http')
  await expect(dialog.getByTestId('mutate-current')).toContainText('ftp')
  await expect(dialog.getByTestId('mutate-next').locator('.badge').first()).toBeVisible()
  const drawn = (await dialog.getByTestId('mutate-next').locator('.badge').allTextContents()).map((t) =>
    t.trim(),
  )
  expect((await client.fleet.get.query({ name: 'act-01' })).services).toEqual(['http', 'ftp'])
  await dialog.getByTestId('mutate-confirm').click()
  await expect(page.getByTestId('fleet-message')).toContainText(
    `act-01 mutating from http, ftp to ${drawn.join(', ')}`,
  )
  const op = page.getByTestId('tracked-ops').getByTestId('lifecycle-row-act-01')
  await expect(op).toContainText('mutate')
  await expect(op).toHaveAttribute('data-status', 'succeeded', { timeout: DEPLOY_TIMEOUT })

  await decky.getByRole('button', { name: 'Change interval of act-01' }).click()
  await decky.getByLabel('Mutation interval for act-01').fill('45m')
  await decky.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByTestId('fleet-message')).toContainText('act-01 mutates every 45m')
  await expect(decky).toContainText('45m')
  await shot(page, 'fleet-actions.png')

  await page.getByRole('button', { name: 'Dismiss all' }).click()
  await decky.getByRole('button', { name: 'Tear down act-01' }).click()
  // Nothing happens until confirmed.
  await expect(decky.getByRole('button', { name: 'Confirm teardown' })).toBeVisible()
  expect((await client.fleet.list.query()).some((d) => d.name === 'act-01')).toBe(true)
  await decky.getByRole('button', { name: 'Confirm teardown' }).click()
  const teardown = page.getByTestId('tracked-ops').getByTestId('lifecycle-row-act-01')
  await expect(teardown).toContainText('teardown')
  await expect(teardown).toHaveAttribute('data-status', 'succeeded', { timeout: DEPLOY_TIMEOUT })
  await expect(page.getByTestId('decky-act-01')).toHaveCount(0, { timeout: 15_000 })
  expect((await client.fleet.list.query()).some((d) => d.name === 'act-01')).toBe(false)
  expect(errors()).toEqual([])
})

test('wizard: secret settings are masked (input and INI) until shown; replace mode warns what it removes', async ({
  page,
  stack,
}) => {
  const { client, errors } = await adminSession(page, stack)
  if ((await client.fleet.list.query()).length === 0) {
    await client.fleet.deploy.mutate({ ini: '[keep-me]\nservices = http\n' })
  }
  const existing = (await client.fleet.list.query()).map((d) => d.name)
  await page.goto(`${stack.webUrl}/fleet/deploy`)
  await page.getByLabel('Pick services').check()
  await page.getByTestId('service-ssh').getByRole('checkbox').check()
  await page.getByRole('button', { name: 'Next' }).click()
  await page.getByLabel('Name prefix').fill('shell')
  await page.locator('details').first().locator('summary').click()
  const rootPassword = page.getByLabel(/^Root password/)
  await expect(rootPassword).toHaveAttribute('type', 'password')
  // No fleet-wide default password: each decky's persona has its own accounts (shown in the preview).
  await expect(page.getByTestId('secret-default-ssh-password')).toHaveCount(0)
  await rootPassword.fill('s3cret-root-pw')
  await expect(page.locator('details').first()).toContainText('1 set')
  await page.getByRole('button', { name: 'Next' }).click()
  await page.getByRole('button', { name: 'Next' }).click()
  const iniBox = page.getByTestId('generated-ini')
  await expect(iniBox).toContainText('[shell-01.ssh]')
  await expect(iniBox).toContainText('password = ••••••••')
  await expect(iniBox).not.toContainText('s3cret-root-pw')
  await page.getByRole('button', { name: 'Show secrets' }).click()
  await expect(iniBox).toContainText('password = s3cret-root-pw')
  await page.getByRole('button', { name: 'Mask secrets' }).click()
  await expect(page.getByTestId('preview-shell-01')).toContainText('ssh')
  // The preview shows the accounts the decky will accept: root's as set, the persona's two users; masked.
  const logins = page.getByTestId('preview-shell-01').getByTestId('preview-logins-ssh')
  await expect(logins.getByTestId('preview-login-account')).toHaveCount(3)
  await expect(logins).toContainText('root:••••••••')
  await expect(logins).not.toContainText('s3cret-root-pw')
  await page.getByRole('button', { name: 'Show passwords' }).click()
  await expect(logins).toContainText('root:s3cret-root-pw')
  const users = await logins.getByTestId('preview-login-account').allTextContents()
  await page.getByRole('button', { name: 'Hide passwords' }).click()
  await expect(logins).not.toContainText('s3cret-root-pw')
  // The users shown are the persona's: a person and a service account, each with a password of its own.
  expect(users.slice(1).every((line) => /^[a-z_][a-z0-9_-]*:\S+$/.test(line))).toBe(true)

  // Admins may paste their own INI; replace mode says what it tears down before anything is sent.
  await page.getByLabel('Paste my own INI instead').check()
  await page.getByTestId('custom-ini').fill('[lonely]\nservices = http\n')
  await expect(page.getByTestId('preview-lonely')).toBeVisible()
  await page.getByTestId('replace-fleet').check()
  await expect(page.getByTestId('preview-remove')).toContainText(existing[0] as string)
  await expect(page.getByRole('alert').filter({ hasText: 'Replace mode' })).toContainText(
    `This removes ${existing.length} ${existing.length === 1 ? 'decky' : 'deckies'}`,
  )
  await expect(page.getByTestId('deploy-button')).toHaveText('Replace the fleet')
  await shot(page, 'wizard-replace-warning.png')
  expect((await client.fleet.list.query()).map((d) => d.name)).toEqual(existing)
  expect(errors()).toEqual([])
})

test('local engine: the fleet says OS shaping is not available', async ({ browser }) => {
  test.setTimeout(120_000)
  const { startStack } = await import('../../fixtures/stack.ts')
  const local = await startStack({ DECNET_ENGINE: 'local' })
  const context = await browser.newContext()
  const page = await context.newPage()
  try {
    const { client, errors } = await adminSession(page, local.stack)
    const banner = page.getByTestId('engine-banner')
    await expect(banner).toHaveAttribute('data-engine', 'local')
    await expect(banner).toContainText('OS shaping')
    await expect(banner).toContainText('not available')
    // The fleet shows where a decky really answers on this engine (its loopback address), labelled
    // apart from its persona's LAN IP, which the local engine does not bind.
    await client.fleet.deploy.mutate({ ini: '[loop-01]\nservices = http\n' })
    const row = page.getByTestId('decky-loop-01')
    await expect(row).toHaveAttribute('data-state', 'running', { timeout: 60_000 })
    const address = row.getByTestId('decky-address')
    await expect(address).toHaveText(/^127\.\d+\.\d+\.\d+$/, { timeout: 30_000 })
    await expect(row).toContainText('reachable')
    const listed = (await client.fleet.list.query()).find((d) => d.name === 'loop-01')
    await expect(row.getByTestId('decky-ip')).toHaveText(listed?.ip ?? '')
    expect(listed?.ip).not.toMatch(/^127\./)
    const answer = await fetch(`http://${await textOf(address)}/`)
    expect(answer.headers.get('server')).toBeTruthy()
    await shot(page, 'fleet-local-engine.png')
    expect(errors()).toEqual([])
  } finally {
    await context.close()
    await local.stop()
  }
})

test('wizard: topology networks — a pivot into an inner network deploys, each decky on the networks ticked', async ({
  page,
  stack,
}) => {
  test.setTimeout(300_000)
  const { client, errors } = await adminSession(page, stack)
  const [entry, inner] = [freeSubnet('10.216', process.pid), freeSubnet('10.217', process.pid)]
  await page.goto(`${stack.webUrl}/fleet/deploy`)
  await page.getByLabel('Pick services').check()
  await page.getByTestId('service-ssh').getByRole('checkbox').check()
  await page.getByRole('button', { name: 'Next' }).click()
  await page.getByLabel('Name prefix').fill('wzt')
  await page.getByRole('spinbutton', { name: 'Count' }).fill('2')
  const networks = page.getByTestId('wizard-networks')
  await networks.getByRole('button', { name: 'Add network' }).click()
  await networks.getByRole('button', { name: 'Add network' }).click()
  await networks.getByLabel('Network 1', { exact: true }).fill('wzt-dmz')
  await networks.getByLabel('Subnet 1').fill('10.0.0')
  await expect(networks.getByRole('alert')).toContainText('Network "wzt-dmz" needs a subnet in CIDR form')
  await expect(page.getByRole('button', { name: 'Next' })).toBeDisabled()
  await networks.getByLabel('Subnet 1').fill(entry.subnet)
  await networks.getByLabel('Network 2', { exact: true }).fill('wzt-in')
  await networks.getByLabel('Subnet 2').fill(inner.subnet)
  await networks.getByLabel('wzt-01 joins wzt-dmz').check()
  await networks.getByLabel('wzt-01 joins wzt-in').check()
  await networks.getByLabel('wzt-02 joins wzt-in').check()
  await expect(networks.getByRole('alert')).toHaveCount(0)
  await page.getByRole('button', { name: 'Next' }).click()
  await page.getByRole('button', { name: 'Next' }).click()
  const ini = page.getByTestId('generated-ini')
  await expect(ini).toContainText('[network.wzt-in]')
  await expect(ini).toContainText('networks = wzt-dmz, wzt-in')
  await expect(page.getByTestId('preview-wzt-02')).toContainText(inner.subnet.replace(/\.0\/24$/, '.'))
  await page.getByTestId('deploy-button').click()
  await expect(page.getByTestId('deploy-progress-summary')).toHaveText('Finished: all 2 succeeded.', {
    timeout: DEPLOY_TIMEOUT,
  })
  const network = JSON.parse(docker(['network', 'inspect', `${stack.instance}-net-wzt-in`]))[0]
  expect(network.Internal).toBe(true)
  expect(
    Object.values(network.Containers)
      .map((c) => (c as { Name: string }).Name)
      .sort(),
  ).toEqual([`${stack.instance}-wzt-01`, `${stack.instance}-wzt-02`])
  // The pivot's page shows its networks and who shares them.
  await page.goto(`${stack.webUrl}/fleet/wzt-01`)
  const panel = page.getByTestId('decky-networks')
  await expect(panel).toContainText('a pivot')
  await expect(panel.getByTestId('decky-network-wzt-dmz')).toContainText('from outside (entry)')
  await expect(panel.getByTestId('decky-network-wzt-in')).toContainText('through a pivot')
  await expect(panel.getByTestId('decky-neighbours')).toContainText('wzt-02')
  for (const name of ['wzt-01', 'wzt-02']) {
    const { lifecycleIds } = await client.fleet.teardown.mutate({ name })
    await waitTerminal(client, lifecycleIds)
  }
  expect(errors()).toEqual([])
})
