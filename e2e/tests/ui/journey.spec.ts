import type { Page } from '@playwright/test'
import { rdpConnectionRequest, smb2Negotiate, sshRun, tcpExchange } from '../../fixtures/attacker.ts'
import { ADMIN_PASSWORD, oneTimePassword } from '../../fixtures/auth.ts'
import { instanceContainers } from '../../fixtures/docker.ts'
import { expect, startStack, test } from '../../fixtures/stack.ts'
import { shot, uiLogin, watchConsole } from '../../fixtures/ui-helpers.ts'

const LIVE_TIMEOUT = 150_000

/** Deploys one decky of `archetype` through the wizard and returns its name once it shows succeeded. */
/** Deploys `<prefix>-01` through the wizard; returns it with the root password its preview showed. */
async function wizardDeploy(
  page: Page,
  webUrl: string,
  archetype: string,
  prefix: string,
): Promise<{ name: string; rootPassword: string | null }> {
  await page.goto(`${webUrl}/fleet`)
  await page.getByTestId('open-wizard').click()
  await page.getByLabel('Pick an archetype').check()
  await page.getByTestId(`archetype-${archetype}`).getByRole('radio').check()
  await page.getByRole('button', { name: 'Next' }).click()
  await page.getByLabel('Name prefix').fill(prefix)
  await page.getByRole('button', { name: 'Next' }).click()
  await page.getByRole('button', { name: 'Next' }).click()
  const name = `${prefix}-01`
  await expect(page.getByTestId(`preview-${name}`)).toBeVisible()
  // The operator learns the decky's own logins from the preview (masked until asked for).
  const ssh = page.getByTestId(`preview-${name}`).getByTestId('preview-logins-ssh')
  let rootPassword: string | null = null
  if ((await ssh.count()) > 0) {
    await page.getByRole('button', { name: 'Show passwords' }).first().click()
    const root = ssh.getByTestId('preview-login-account').filter({ hasText: /^root:/ })
    rootPassword = (await root.getByTestId('preview-login-password').textContent())?.trim() ?? null
  }
  await page.getByTestId('deploy-button').click()
  const row = page.getByTestId('deploy-progress').getByTestId(`lifecycle-row-${name}`)
  await expect(row).toBeVisible()
  await expect(row).toHaveAttribute('data-status', 'succeeded', { timeout: LIVE_TIMEOUT })
  return { name, rootPassword }
}

test('an operator journey: first start, wizard, attacks, logs and attacker views, mutate, teardown', async ({
  page,
}) => {
  test.setTimeout(600_000)
  const running = await startStack()
  const { stack } = running
  try {
    const errors = watchConsole(page)
    // First start: the one-time password works once and must be replaced.
    await uiLogin(page, stack, 'admin', oneTimePassword(stack), ADMIN_PASSWORD)
    await shot(page, 'journey-1-fleet.png')

    const { name: linux, rootPassword } = await wizardDeploy(page, stack.webUrl, 'linux-server', 'lnx')
    const { name: windows } = await wizardDeploy(page, stack.webUrl, 'windows-workstation', 'win')
    expect(rootPassword).toMatch(/^\S+$/)
    await page.goto(`${stack.webUrl}/fleet`)
    await expect(page.getByTestId(`decky-${linux}`).getByTestId('decky-state')).toContainText('running')
    await expect(page.getByTestId(`decky-${windows}`).getByTestId('decky-state')).toContainText('running')
    const linuxIp =
      (await page.getByTestId(`decky-${linux}`).getByTestId('decky-ip').textContent())?.trim() ?? ''
    const windowsIp =
      (await page.getByTestId(`decky-${windows}`).getByTestId('decky-ip').textContent())?.trim() ?? ''
    await shot(page, 'journey-2-two-deckies.png')

    // The attacker: a wrong SSH password, then a shell command; HTTP; SMB and RDP handshakes.
    expect(await sshRun(linuxIp, 'root', 'wrong-guess-1', 'id')).toBeNull()
    const accepted = await sshRun(linuxIp, 'root', rootPassword ?? '', 'uname -a; id')
    expect(accepted).toContain('Linux')
    const http = await fetch(`http://${linuxIp}/admin/login.php`, {
      headers: { 'user-agent': 'journey-scanner/1.0' },
    })
    expect(http.headers.get('server')).toBeTruthy()
    const smb = await tcpExchange(windowsIp, 445, smb2Negotiate())
    expect(smb.subarray(4, 8).toString('latin1')).toBe('\u00feSMB')
    const rdp = await tcpExchange(windowsIp, 3389, rdpConnectionRequest('journeyuser'))
    expect(rdp[0]).toBe(0x03) // TPKT: a Connection Confirm came back

    // The logs page shows those interactions with decky, service and source.
    await page.goto(`${stack.webUrl}/logs`)
    const search = page.getByLabel('Search query')
    await search.fill(`decky:${linux} service:ssh`)
    await search.press('Enter')
    await expect(page.getByTestId('log-table')).toContainText('auth_attempt', { timeout: 30_000 })
    await expect(page.getByTestId('log-table')).toContainText('uname -a')
    await shot(page, 'journey-3-logs-ssh.png')
    await search.fill(`decky:${windows} service:rdp`)
    await search.press('Enter')
    await expect(page.getByTestId('log-table')).toContainText('journeyuser', { timeout: 30_000 })
    await shot(page, 'journey-4-logs-rdp.png')

    // The attacker page: one profile with both deckies and the services touched.
    await page.goto(`${stack.webUrl}/attackers`)
    const attacker = page.getByTestId('attacker-row').first()
    await expect(attacker).toContainText(linux, { timeout: 30_000 })
    await expect(attacker).toContainText(windows)
    await attacker.getByRole('link').first().click()
    await expect(page.locator('body')).toContainText('uname -a')
    await expect(page.locator('body')).toContainText('ssh')
    await expect(page.locator('body')).toContainText('rdp')
    await shot(page, 'journey-5-attacker.png')

    // Mutate the Linux decky from the fleet page and watch it succeed.
    await page.goto(`${stack.webUrl}/fleet`)
    await page.getByRole('button', { name: `Mutate ${linux}` }).click()
    await page.getByRole('button', { name: 'Confirm mutation' }).click()
    const mutation = page
      .getByTestId('tracked-ops')
      .getByTestId(`lifecycle-row-${linux}`)
      .filter({ hasText: 'mutate' })
    await expect(mutation).toHaveAttribute('data-status', 'succeeded', { timeout: LIVE_TIMEOUT })

    // Tear the Windows decky down: the fleet shows exactly the survivor, and so does Docker.
    await page.getByRole('button', { name: `Tear down ${windows}` }).click()
    await page.getByRole('button', { name: 'Confirm teardown' }).click()
    await expect(page.getByTestId(`decky-${windows}`)).toHaveCount(0, { timeout: LIVE_TIMEOUT })
    await expect(page.getByTestId('fleet-table').locator('tr[data-testid^="decky-"]')).toHaveCount(1)
    await expect
      .poll(() => [...new Set(instanceContainers(stack.instance).map((c) => c.decky))], { timeout: 60_000 })
      .toEqual([linux])
    await shot(page, 'journey-6-survivor.png')
    expect(errors()).toEqual([])
  } finally {
    await running.stop()
  }
})
