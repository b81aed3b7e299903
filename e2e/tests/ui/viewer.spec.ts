import { signInAdmin } from '../../fixtures/auth.ts'
import { expect, test } from '../../fixtures/stack.ts'
import { shot, uiLogin, watchConsole } from '../../fixtures/ui-helpers.ts'

test('a viewer sees no admin actions, and the API refuses them when forced from the browser', async ({
  page,
  stack,
}) => {
  const errors = watchConsole(page, [403])
  const { client } = await signInAdmin(stack)
  await client.users.create.mutate({ username: 'watcher', password: 'watcher-one-time-1', role: 'viewer' })
  await uiLogin(page, stack, 'watcher', 'watcher-one-time-1', 'watcher-own-password-1')
  await expect(page.getByTestId('me-role')).toHaveText('viewer')

  // Fleet: no deploy button, no actions column, no Deploy entry in the navigation.
  await expect(page.getByTestId('fleet-table')).toBeVisible()
  await expect(page.getByTestId('engine-banner')).toBeVisible()
  await expect(page.getByTestId('open-wizard')).toHaveCount(0)
  await expect(page.getByRole('columnheader', { name: 'Actions' })).toHaveCount(0)
  await expect(page.getByRole('button', { name: /^(Mutate|Teardown|Interval)/ })).toHaveCount(0)
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Deploy' })).toHaveCount(0)
  await shot(page, 'fleet-viewer.png')

  await page.goto(`${stack.webUrl}/fleet/deploy`)
  await expect(page.getByText('Deploying needs the admin role.')).toBeVisible()

  await page.goto(`${stack.webUrl}/config`)
  await expect(page.getByTestId('read-only-note')).toBeVisible()
  await expect(page.getByTestId('deployment-limit')).toHaveJSProperty('readOnly', true)
  await expect(page.getByTestId('global-interval')).toHaveJSProperty('readOnly', true)
  await expect(page.getByRole('button', { name: /^Save/ })).toHaveCount(0)
  await expect(page.getByTestId('users-admin-only')).toBeVisible()
  await shot(page, 'config-viewer.png')

  // Forced through the same-origin endpoint with the viewer's own cookie: every admin call is FORBIDDEN.
  const forced = await page.evaluate(async () => {
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      const json = (await response.json()) as { error?: { data?: { code?: string } } }
      return `${response.status} ${json.error?.data?.code ?? 'OK'}`
    }
    const get = async (path: string) => {
      const response = await fetch(`/trpc/${path}`)
      const json = (await response.json()) as { error?: { data?: { code?: string } } }
      return `${response.status} ${json.error?.data?.code ?? 'OK'}`
    }
    return {
      deploy: await post('fleet.deploy', { ini: '[sneaky]\nservices = http\n' }),
      teardown: await post('fleet.teardown', { all: true }),
      limit: await post('config.setDeploymentLimit', { deploymentLimit: 1 }),
      createUser: await post('users.create', {
        username: 'intruder',
        password: 'intruder-password-1',
        role: 'admin',
      }),
      users: await get('users.list'),
    }
  })
  expect(forced).toEqual({
    deploy: '403 FORBIDDEN',
    teardown: '403 FORBIDDEN',
    limit: '403 FORBIDDEN',
    createUser: '403 FORBIDDEN',
    users: '403 FORBIDDEN',
  })
  expect((await client.fleet.list.query()).some((d) => d.name === 'sneaky')).toBe(false)
  expect((await client.users.list.query()).some((u) => u.username === 'intruder')).toBe(false)
  expect(errors()).toEqual([])
})
