import { expect, test } from '@playwright/test'
import { signInAdmin } from '../../fixtures/auth.ts'
import { type RunningStack, startStack } from '../../fixtures/stack.ts'
import { adminSession, shot, waitTerminal, wizardToReview } from '../../fixtures/ui-helpers.ts'

test('the wizard watching a deploy across an API restart (killed mid-deploy, started again as npm start does) ends on succeeded', async ({
  page,
}) => {
  test.setTimeout(300_000)
  // A short lease, so the killed process's row is taken up again soon after the restart.
  const env = { DECNET_RUNNER_LEASE_MS: '3000', DECNET_RUNNER_CONCURRENCY: '1' }
  const first = await startStack(env)
  let second: RunningStack | undefined
  try {
    const { client } = await adminSession(page, first.stack)
    // Earlier transitions on the first process: the page's last event id is then well past anything
    // a fresh process could have counted on its own (a process-local counter would resume it at []).
    const earlier = await client.fleet.deploy.mutate({ ini: '[pre]\namount = 2\nservices = ssh\n' })
    await waitTerminal(client, earlier.lifecycleIds, 150_000)
    await wizardToReview(page, first.stack, { prefix: 'rst', service: 'ssh' })
    const deployResponse = page.waitForResponse((response) => response.url().includes('fleet.deploy'))
    await page.getByTestId('deploy-button').click()
    // The lifecycle ids the wizard got back (tRPC batch response), to wait on them through the API.
    const ids = JSON.stringify(await (await deployResponse).json()).match(/[0-9a-f]{8}-[0-9a-f-]{27}/g) ?? []
    expect(ids).toHaveLength(1)
    const row = page.getByTestId('deploy-progress').getByTestId('lifecycle-row-rst-01')
    await expect(row).toHaveAttribute('data-status', 'running', { timeout: 60_000 })

    // Until the deploy has finished on the restarted API, the page cannot reach the watch at all
    // (its EventSource keeps retrying with its Last-Event-ID): it must then catch up from an id
    // handed out before the restart, by a process that no longer exists.
    await page.route(/fleet\.watchLifecycle/, (route) => route.abort('connectionrefused'))

    // Kill the API mid-deploy; the launcher stops the console with it. Start both again on the same
    // ports, data and Docker instance, while the page stays open on the wizard.
    const apiPid = first.pids().api
    expect(apiPid).toBeDefined()
    process.kill(apiPid as number, 'SIGKILL')
    await first.stop({ keep: true })
    second = await startStack(
      {
        ...env,
        DECNET_API_PORT: new URL(first.stack.apiUrl).port,
        DECNET_WEB_PORT: new URL(first.stack.webUrl).port,
      },
      first.identity,
    )

    await waitTerminal((await signInAdmin(second.stack)).client, ids, 150_000)
    await expect(row).toHaveAttribute('data-status', 'running')
    await page.unroute(/fleet\.watchLifecycle/)
    await expect(row).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 })
    await expect(page.getByTestId('deploy-progress-summary')).toHaveText('Finished: all 1 succeeded.')
    // It was killed mid-deploy: the operation ran a second time, after the restart.
    await expect(row.locator('td').nth(3)).toHaveText('2')
    await shot(page, 'wizard-after-restart.png')
  } finally {
    await second?.stop()
    await first.stop()
  }
})
