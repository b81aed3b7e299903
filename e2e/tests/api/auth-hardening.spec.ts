// Issue 24 over the real console proxy (apps/web/server.mjs + the /trpc route) in front of the real
// API: the browser's X-Forwarded-For is overwritten with the address the console saw, so rotating it
// buys nothing; batches and malformed cookies behave through the proxy as on the API itself.
import http from 'node:http'
import { expect, test } from '../../fixtures/stack.ts'

type Answer = { status: number; body: string; setCookie: string[] }

/** A POST to the console from a chosen loopback source address (Linux routes all of 127/8 locally). */
function postFrom(
  sourceAddress: string,
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        localAddress: sourceAddress,
        headers: { 'content-type': 'application/json', ...headers },
      },
      (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          text += chunk
        })
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: text,
            setCookie: response.headers['set-cookie'] ?? [],
          }),
        )
      },
    )
    request.on('error', reject)
    request.end(JSON.stringify(body))
  })
}

const codeOf = (answer: Answer): string => {
  const parsed = JSON.parse(answer.body) as { error?: { data?: { code?: string } } }
  return parsed.error?.data?.code ?? 'OK'
}

test('the console overwrites a spoofed X-Forwarded-For with the real peer', async ({ stack }) => {
  const codes: string[] = []
  // 35 failed sign-ins from one browser (127.0.0.3), each claiming another address.
  for (let i = 0; i < 35; i++) {
    const answer = await postFrom(
      '127.0.0.3',
      `${stack.webUrl}/trpc/auth.login`,
      { username: `nobody-${i}`, password: 'wrong-password-123' },
      {
        'x-forwarded-for': `10.20.${i}.7`,
        'x-real-ip': `10.21.${i}.7`,
        'x-decnet-client-address': `10.22.${i}.7`,
      },
    )
    codes.push(codeOf(answer))
  }
  // The API's per-IP limit (30 a minute) saw one client, not 35.
  expect(codes.slice(0, 30)).toEqual(Array(30).fill('UNAUTHORIZED'))
  expect(new Set(codes.slice(30))).toEqual(new Set(['TOO_MANY_REQUESTS']))
  // Another browser (127.0.0.4) is its own client: the console forwards each real peer.
  const other = await postFrom('127.0.0.4', `${stack.webUrl}/trpc/auth.login`, {
    username: 'nobody-else',
    password: 'wrong-password-123',
  })
  expect(codeOf(other)).toBe('UNAUTHORIZED')
})

test('through the console: an oversized batch is refused and a malformed cookie is expired, not a 500', async ({
  stack,
}) => {
  const batch = await fetch(`${stack.webUrl}/trpc/${Array(11).fill('health.get').join(',')}?batch=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  })
  expect(batch.status).toBe(400)
  expect(await batch.text()).toMatch(/Batch call exceeds maximum size/)

  const malformed = await postFrom(
    '127.0.0.5',
    `${stack.webUrl}/trpc/auth.login`,
    { username: 'nobody', password: 'wrong-password-123' },
    { cookie: 'decnet_session=%' },
  )
  expect(malformed.status).toBe(401)
  expect(malformed.setCookie).toEqual([
    expect.stringMatching(/^decnet_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0/),
  ])
  const health = await fetch(`${stack.webUrl}/trpc/health.get`, { headers: { cookie: 'decnet_session=%' } })
  expect(health.status).toBe(200)
})
