import { docker, instanceContainers } from '../../fixtures/docker.ts'
import { expect, test } from '../../fixtures/stack.ts'
import { adminSession, shot, wizardToReview } from '../../fixtures/ui-helpers.ts'

const DEPLOY_TIMEOUT = 150_000

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
  const tracked = page.getByTestId('tracked-ops').getByTestId('lifecycle-row-web-02')
  await expect(tracked).toBeVisible()
  await expect(tracked).toHaveAttribute('data-status', 'succeeded', { timeout: DEPLOY_TIMEOUT })
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
  docker([
    'run',
    '-d',
    '--rm',
    '--name',
    squatter,
    '--label',
    `decnet.instance=${stack.instance}`,
    '--network',
    `${stack.instance}_lan`,
    '--ip',
    squatIp,
    '--entrypoint',
    '/usr/bin/node',
    'decnet/decoy:0.1.0',
    '-e',
    'setInterval(() => {}, 1 << 30)',
  ])
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
    const { errors } = await adminSession(page, local.stack)
    const banner = page.getByTestId('engine-banner')
    await expect(banner).toHaveAttribute('data-engine', 'local')
    await expect(banner).toContainText('OS shaping')
    await expect(banner).toContainText('not available')
    await shot(page, 'fleet-local-engine.png')
    expect(errors()).toEqual([])
  } finally {
    await context.close()
    await local.stop()
  }
})
