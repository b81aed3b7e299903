import http from 'node:http'
import type { Page } from '@playwright/test'
import { expect, test } from '../../fixtures/stack.ts'
import { adminSession, deckyOnce, deploySucceeded, shot } from '../../fixtures/ui-helpers.ts'

/** One HTTP GET to a decky; its status. */
function httpGet(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (response) => {
        response.resume()
        response.on('end', () => resolve(response.statusCode ?? 0))
      })
      .on('error', reject)
  })
}

/**
 * The overdue-decky test needs its decky one mutation interval (1 min, the shortest) old. Deployed
 * before the file's tests, with no interval of its own (nothing mutates it meanwhile: the global one is
 * never under an hour here), it ages while the tests before that one run instead of in that test's wait.
 * The collector test comes first: it deploys a decky of its own before its first click anyway, while a
 * click right after this deploy could be aborted by Chromium (ERR_NETWORK_CHANGED as the new
 * container's interfaces settle).
 */
const PAUSED_MUT_INI = '[paused-mut]\nservices = http\n'

test.beforeAll(async ({ stack }) => {
  test.setTimeout(200_000)
  await deckyOnce(stack, 'paused-mut', PAUSED_MUT_INI, 180_000)
})

/** Lag seconds the Workers page shows for the collector on this machine. */
async function localLag(page: Page): Promise<number> {
  return Number(await page.getByTestId('worker-lag-local').getAttribute('data-lag-seconds'))
}

test('workers page: a stopped collector reads nothing while its lag grows; resumed, it catches up and the events land in Logs', async ({
  page,
  stack,
}) => {
  test.setTimeout(300_000)
  const { client, errors } = await adminSession(page, stack)
  await deploySucceeded(client, '[lag-web]\nservices = http\n', 180_000)
  const { ip } = await client.fleet.get.query({ name: 'lag-web' })
  const stored = async () =>
    (await client.logs.search.query({ q: 'decky:lag-web event:request', limit: 1 })).total
  await page.goto(`${stack.webUrl}/workers`)
  const collector = page.getByTestId('worker-collector')
  const lag = collector.getByTestId('worker-lag-local')
  await expect(lag).toHaveText('local: up to date', { timeout: 60_000 })
  const before = await stored()

  try {
    await collector.getByRole('button', { name: 'Pause collector' }).click()
    await expect(collector).toHaveAttribute('data-state', 'paused')
    // Its followers stop at its next check: from then on it is behind, and more so at each refresh.
    await expect(lag).toContainText('local: behind by', { timeout: 30_000 })
    await expect(collector.getByTestId('worker-detail')).toContainText('paused by an operator', {
      timeout: 60_000,
    })
    for (let i = 0; i < 3; i++) expect(await httpGet(`http://${ip}/lag-probe-${i}`)).toBeGreaterThan(0)
    const grown = await localLag(page)
    await expect.poll(() => localLag(page), { timeout: 30_000 }).toBeGreaterThan(grown)
    await shot(page, 'workers-collector-paused.png')
    // The followers are really stopped: the requests wait in Docker's logs, not in Logs.
    expect(await stored()).toBe(before)
  } finally {
    await client.workers.resume.mutate({ worker: 'collector' })
  }
  await expect(collector).toHaveAttribute('data-state', 'running', { timeout: 15_000 })
  await expect(lag).toHaveText('local: up to date', { timeout: 60_000 })
  await expect.poll(stored, { timeout: 30_000 }).toBe(before + 3)

  // The events read after the resume are in the console's Logs.
  await page.goto(`${stack.webUrl}/logs`)
  await page.getByLabel('Search query').fill('decky:lag-web event:request')
  await page.getByRole('button', { name: 'Search' }).click()
  for (let i = 0; i < 3; i++)
    await expect(page.getByTestId('log-row').filter({ hasText: `lag-probe-${i}` })).toHaveCount(1, {
      timeout: 30_000,
    })
  expect(errors()).toEqual([])
})

test('workers page: every worker with its heartbeat; pausing the mutator shows in its state and in its own heartbeat, then resumes', async ({
  page,
  stack,
}) => {
  test.setTimeout(120_000)
  const { client, errors } = await adminSession(page, stack)
  await page.getByRole('navigation').getByRole('link', { name: 'Workers' }).click()
  await expect(page).toHaveURL(/\/workers$/)
  const mutator = page.getByTestId('worker-mutator')
  await expect(mutator).toHaveAttribute('data-state', 'running', { timeout: 30_000 })
  for (const worker of ['runner', 'collector', 'reconciler']) {
    await expect(page.getByTestId(`worker-${worker}`)).toBeVisible()
  }
  // Only the pausable ones have the button.
  await expect(page.getByTestId('worker-runner').getByRole('button')).toHaveCount(0)
  try {
    await mutator.getByRole('button', { name: 'Pause mutator' }).click()
    await expect(mutator).toHaveAttribute('data-state', 'paused')
    expect((await client.workers.list.query()).find((row) => row.worker === 'mutator')?.paused).toBe(true)
    // The mutator itself reads the pause at its next pass and says so in its heartbeat.
    await expect(mutator.getByTestId('worker-detail')).toContainText('paused by an operator', {
      timeout: 60_000,
    })
    await shot(page, 'workers-paused.png')
  } finally {
    await client.workers.resume.mutate({ worker: 'mutator' })
  }
  await expect(mutator).toHaveAttribute('data-state', 'running', { timeout: 15_000 })
  await expect(mutator.getByRole('button', { name: 'Pause mutator' })).toBeVisible()
  await expect(mutator.getByTestId('worker-detail')).not.toContainText('paused by an operator', {
    timeout: 60_000,
  })
  expect(errors()).toEqual([])
})

test('workers page: while the mutator is paused an overdue decky is not mutated; resumed, it is', async ({
  page,
  stack,
}) => {
  test.setTimeout(300_000)
  const { client, errors } = await adminSession(page, stack)
  await deckyOnce(stack, 'paused-mut', PAUSED_MUT_INI, 180_000)
  await page.goto(`${stack.webUrl}/workers`)
  const mutator = page.getByTestId('worker-mutator')
  const beatAt = async () =>
    Date.parse((await client.workers.list.query()).find((row) => row.worker === 'mutator')?.beatAt ?? '')
  try {
    await mutator.getByRole('button', { name: 'Pause mutator' }).click()
    await expect(mutator).toHaveAttribute('data-state', 'paused')
    await expect(mutator.getByTestId('worker-detail')).toContainText('paused by an operator', {
      timeout: 60_000,
    })
    await client.fleet.setMutateInterval.mutate({ name: 'paused-mut', interval: '1m' })
    const intervalSet = Date.now()
    const due = Date.parse((await client.fleet.get.query({ name: 'paused-mut' })).createdAt) + 60_000
    // Overdue with its interval set (the decky may have come due before that), and a heartbeat later
    // than one pass period (10 s) after both: a pass ran while the decky was due, and it left the
    // decky alone.
    await expect
      .poll(beatAt, { timeout: 150_000, intervals: [2_000] })
      .toBeGreaterThan(Math.max(due, intervalSet) + 11_000)
    expect((await client.fleet.get.query({ name: 'paused-mut' })).lastMutatedAt).toBeNull()
  } finally {
    await client.workers.resume.mutate({ worker: 'mutator' })
  }
  await expect(mutator).toHaveAttribute('data-state', 'running', { timeout: 15_000 })
  await expect
    .poll(async () => (await client.fleet.get.query({ name: 'paused-mut' })).lastMutatedAt, {
      timeout: 90_000,
    })
    .not.toBeNull()
  await client.fleet.setMutateInterval.mutate({ name: 'paused-mut', interval: null })
  expect(errors()).toEqual([])
})
