import { expect, test } from '../../fixtures/stack.ts'

test('the home page shows live health.get output from the API', async ({ page, stack }) => {
  const consoleErrors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text())
  })
  await page.goto(stack.webUrl)
  await expect(page.getByTestId('health-status')).toHaveText('Healthy')
  await expect(page.getByTestId('health-engine')).toHaveText('docker')
  await expect(page.getByTestId('component-engine')).toContainText(/up\s*Docker \d+/)
  await page.screenshot({ path: test.info().outputPath('home.png'), fullPage: true })
  expect(consoleErrors).toEqual([])
})
