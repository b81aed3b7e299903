import { docker, instanceContainers } from '../../fixtures/docker.ts'
import { expect, test } from '../../fixtures/stack.ts'
import { adminSession } from '../../fixtures/ui-helpers.ts'

const TIMEOUT = 150_000

test('fleet page: Repair on a decky with a removed container queues a repair, shows its progress, and brings the container back', async ({
  page,
  stack,
}) => {
  test.setTimeout(300_000)
  const { client, errors } = await adminSession(page, stack)
  await client.fleet.deploy.mutate({ ini: '[fixme-01]\nservices = http, ftp\n' })
  await page.goto(`${stack.webUrl}/fleet`)
  const decky = page.getByTestId('decky-fixme-01')
  await expect(decky).toHaveAttribute('data-state', 'running', { timeout: TIMEOUT })

  // Its decoy container (ftp and http in one process) removed behind DECNET's back.
  const decoy = `${stack.instance}-fixme-01.decoy`
  docker(['rm', '-f', '-v', decoy])
  await decky.getByRole('button', { name: 'Repair fixme-01' }).click()
  await expect(page.getByTestId('fleet-message')).toContainText('fixme-01 repair queued')
  const op = page.getByTestId('tracked-ops').getByTestId('lifecycle-row-fixme-01')
  await expect(op).toContainText('repair')
  await expect(op).toHaveAttribute('data-status', 'succeeded', { timeout: TIMEOUT })
  await expect(decky).toHaveAttribute('data-state', 'running', { timeout: 30_000 })
  expect(instanceContainers(stack.instance).map((container) => container.name)).toContain(decoy)
  expect(docker(['inspect', '-f', '{{.State.Status}}', decoy])).toBe('running')
  expect(errors()).toEqual([])
})
