import { expect, test } from '../../fixtures/stack.ts'

test('health.get answers through the typed client with the docker engine up', async ({ stack }) => {
  const health = await stack.api.health.get.query()
  expect(health.status).toBe('healthy')
  expect(health.engine).toBe('docker')
  expect(health.components.engine.status).toBe('up')
  expect(health.components.engine.detail).toMatch(/^Docker \d+\.\d+/)
})

test('the web console proxies /trpc to the API on the same origin', async ({ stack }) => {
  const response = await fetch(`${stack.webUrl}/trpc/health.get`)
  expect(response.status).toBe(200)
  const body = (await response.json()) as { result: { data: { status: string } } }
  expect(body.result.data.status).toBe('healthy')
})
