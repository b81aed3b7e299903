import { ADMIN_PASSWORD, signInAdmin } from '../../fixtures/auth.ts'
import { expect, startStack, test } from '../../fixtures/stack.ts'
import { shot, uiLogin } from '../../fixtures/ui-helpers.ts'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

test('npm start restarts an API killed with SIGKILL; the console stays up, shows a banner while it is down, and recovers', async ({
  page,
}) => {
  test.setTimeout(180_000)
  // A restart delay long enough that the console's probe (every 2 s) sees the API down.
  const running = await startStack({ DECNET_API_RESTART_DELAY_MS: '6000' })
  const { stack, pids } = running
  try {
    const { client } = await signInAdmin(stack)
    await uiLogin(page, stack, 'admin', ADMIN_PASSWORD)
    await expect(page.getByTestId('api-down-banner')).toHaveCount(0)

    const before = pids()
    expect(before.api).toBeDefined()
    process.kill(before.api!, 'SIGKILL')

    await expect(page.getByTestId('api-down-banner')).toBeVisible({ timeout: 15_000 })
    await expect(page.getByTestId('api-down-banner')).toContainText('The DECNET API is not answering')
    await shot(page, 'api-down.png')
    // The launcher and the console stay up meanwhile.
    expect(alive(before.start)).toBe(true)
    expect((await fetch(`${stack.webUrl}/login`)).status).toBe(200)

    // Restarted: a new process that answers, with the same database (the session still works).
    await expect
      .poll(
        () => {
          const api = pids().api
          return api !== undefined && api !== before.api
        },
        { timeout: 60_000, intervals: [250] },
      )
      .toBe(true)
    const after = pids().api
    expect(after).toBeDefined()
    await expect
      .poll(async () => (await client.auth.me.query().catch(() => null))?.username ?? null, {
        timeout: 60_000,
        intervals: [250],
      })
      .toBe('admin')
    expect(stack.output()).toContain(
      'api exited (signal SIGKILL); restarting in 6.0 s (restart 1 of at most 5',
    )
    expect(stack.output()).toMatch(new RegExp(`api restarted \\(pid ${after}\\)`))

    await expect(page.getByTestId('api-down-banner')).toHaveCount(0, { timeout: 30_000 })
    await expect(page.getByTestId('me-username')).toHaveText('admin')
    await page.reload()
    await expect(page.getByTestId('me-username')).toHaveText('admin')

    // Ctrl-C still stops everything: the restarted API too.
    await running.stop()
    expect(alive(after!)).toBe(false)
    expect(alive(before.start)).toBe(false)
  } finally {
    await running.stop()
  }
})
