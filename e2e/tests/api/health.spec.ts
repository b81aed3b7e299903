import { expect, startStack, test } from '../../fixtures/stack.ts'

// Its own stack: the worker's shared one carries what earlier specs left (deckies, channels, faults),
// and "healthy" is a claim about a freshly started DECNET.
test('a freshly started DECNET with the docker engine up is healthy, through the typed client and the console proxy', async () => {
  const running = await startStack()
  try {
    const { stack } = running
    const health = await stack.api.health.get.query()
    expect(health.status, JSON.stringify(health.components, null, 2)).toBe('healthy')
    expect(health.engine).toBe('docker')
    expect(health.components.engine.status).toBe('up')
    expect(health.components.engine.detail).toMatch(/^Docker \d+\.\d+/)

    const response = await fetch(`${stack.webUrl}/trpc/health.get`)
    expect(response.status).toBe(200)
    const body = (await response.json()) as { result: { data: { status: string } } }
    expect(body.result.data.status).toBe('healthy')
  } finally {
    await running.stop()
  }
})

test('health.get on the shared stack: the engine is up and no critical component is down', async ({
  stack,
}) => {
  const health = await stack.api.health.get.query()
  expect(health.status, JSON.stringify(health.components, null, 2)).not.toBe('unhealthy')
  expect(health.components.engine.status).toBe('up')
  expect(health.components.database.status).toBe('up')
})
