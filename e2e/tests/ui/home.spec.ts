import { expect, startStack, test } from '../../fixtures/stack.ts'

// Its own stack: "Healthy" is a claim about a freshly started DECNET, and the worker's shared stack
// carries what earlier specs left (deckies, faults, mutations).
test('the home page shows live health.get output from the API', async ({ page }) => {
  const running = await startStack()
  try {
    const consoleErrors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text())
    })
    await page.goto(running.stack.webUrl)
    await expect(page.getByTestId('health-status')).toHaveText('Healthy')
    await expect(page.getByTestId('health-engine')).toHaveText('docker')
    await expect(page.getByTestId('component-engine')).toContainText(/up\s*Docker \d+/)
    await page.screenshot({ path: test.info().outputPath('home.png'), fullPage: true })
    expect(consoleErrors).toEqual([])
  } finally {
    await running.stop()
  }
})
