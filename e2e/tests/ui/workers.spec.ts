import { expect, test } from '../../fixtures/stack.ts'
import { adminSession, shot } from '../../fixtures/ui-helpers.ts'

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
  await expect(page.getByTestId('worker-collector').getByRole('button')).toHaveCount(0)
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
