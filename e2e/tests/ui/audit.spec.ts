// The console's Audit page: admins find it in the navigation, see each action with its actor and
// source address (never wrapped), and filter it; a viewer has no link and no log.
import { signInAdmin } from '../../fixtures/auth.ts'
import { expect, test } from '../../fixtures/stack.ts'
import { adminSession, shot, uiLogin, watchConsole } from '../../fixtures/ui-helpers.ts'

test('admins read and filter the audit log; viewers get no link and no log', async ({
  page,
  browser,
  stack,
}) => {
  const { errors } = await adminSession(page, stack)
  const { client } = await signInAdmin(stack)
  await client.users.create.mutate({
    username: 'audited-viewer',
    password: 'audited-one-time-1',
    role: 'viewer',
  })
  await client.config.setDeploymentLimit.mutate({ deploymentLimit: 60 })

  await page.getByRole('navigation').getByRole('link', { name: 'Audit' }).click()
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible()
  const created = page.locator('[data-testid="audit-row"][data-action="users.create"]').first()
  await expect(created).toBeVisible()
  await expect(created.getByTestId('audit-actor')).toHaveText('admin')
  await expect(created.getByTestId('audit-ip')).toHaveText('127.0.0.1')
  await expect(created.getByTestId('audit-outcome')).toHaveText('ok')
  // The password given to users.create is not on the page.
  await expect(page.getByText('audited-one-time-1')).toHaveCount(0)
  // Addresses stay on one line, however narrow the table gets.
  await expect(created.getByTestId('audit-ip')).toHaveCSS('white-space', 'nowrap')

  await page.getByLabel('Action').fill('config.')
  await page.getByRole('button', { name: 'Filter' }).click()
  await expect(page.locator('[data-testid="audit-row"][data-action="users.create"]')).toHaveCount(0)
  const actions = await page
    .getByTestId('audit-row')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')))
  expect(actions.length).toBeGreaterThan(0)
  expect(actions.every((action) => action?.startsWith('config.'))).toBe(true)
  await shot(page, 'audit-admin.png')
  expect(errors()).toEqual([])

  const viewerContext = await browser.newContext()
  const viewerPage = await viewerContext.newPage()
  const viewerErrors = watchConsole(viewerPage)
  await uiLogin(viewerPage, stack, 'audited-viewer', 'audited-one-time-1', 'audited-own-password-1')
  await expect(viewerPage.getByRole('navigation').getByRole('link', { name: 'Audit' })).toHaveCount(0)
  await viewerPage.goto(`${stack.webUrl}/audit`)
  await expect(viewerPage.getByText('The audit log is for admins.')).toBeVisible()
  await expect(viewerPage.getByTestId('audit-table')).toHaveCount(0)
  expect(viewerErrors()).toEqual([])
  await viewerContext.close()
})
