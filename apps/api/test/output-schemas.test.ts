import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { ZPublicUser } from '@decnet/core'
import { createHTTPHandler } from '@trpc/server/adapters/standalone'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiContext } from '../src/context.ts'
import { ZNoInput } from '../src/no-input.ts'
import { publicProcedure, router } from '../src/trpc.ts'
import { routerProcedures } from './support/procedures.ts'
import { keysOf } from './support/schema-keys.ts'

// Secrets are strings; a boolean such as mustChangePassword or a config field's `secret` flag cannot leak one.
const SECRET_NAME =
  /^(password|passwordhash|hash|secret|token|salt|cookie|session|privatekey|apikey|tlskey|key)$/i
/** The only secret-looking output fields, each on purpose. */
const ALLOWED_SECRET_FIELDS = [
  'auth.login: token', // the session token is what login hands out (API.md)
  'auth.changePassword: token', // the caller's replacement session token
  'attackers.get: credentials.[].secret', // what an attacker sent to a decoy; masked for viewers
  'intel.credentials: rows.[].secret', // the same, summarised fleet-wide; masked for viewers
  'dashboard.overview: credentials.[].secret', // the most tried in a window; masked for viewers
  'catalog.services: [].config.[].key', // the name of a service setting, not a value
  'apiTokens.create: token', // a new API token, shown once to the admin who made it (admins only)
  // the decoy accounts a deploy will create, shown to the admin who previews it (admins only)
  'fleet.preview: create.[].logins.[].accounts.[].password',
]

describe('output schemas', () => {
  const procedures = routerProcedures()

  it('every procedure declares an input and an output schema', () => {
    const missing = procedures
      .filter((procedure) => !procedure.output || procedure.inputCount === 0)
      .map((procedure) => procedure.path)
    expect(missing).toEqual([])
  })

  it('no output schema carries a secret field beyond the deliberate ones', () => {
    const found = procedures.flatMap(({ path, output }) =>
      keysOf(output!)
        .filter(([key, type]) => type === 'string' && SECRET_NAME.test(key.split('.').at(-1)!))
        .map(([key]) => `${path}: ${key}`),
    )
    expect([...new Set(found)].sort()).toEqual([...ALLOWED_SECRET_FIELDS].sort())
  })
})

describe('output stripping on the wire', () => {
  // A handler that leaks: it returns the whole user row, password hash included.
  const leakyRouter = router({
    leakyUser: publicProcedure
      .input(ZNoInput)
      .output(ZPublicUser)
      .query(() => ({
        id: 'u1',
        username: 'alice',
        role: 'admin' as const,
        mustChangePassword: false,
        createdAt: new Date('2026-01-01T00:00:00Z'),
        passwordHash: '$argon2id$v=19$leaked',
      })),
  })
  let server: http.Server
  let url: string
  beforeAll(async () => {
    const handler = createHTTPHandler({
      router: leakyRouter,
      basePath: '/trpc/',
      createContext: () => ({ session: null }) as unknown as ApiContext,
    })
    server = http.createServer(handler)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('strips fields the output schema does not declare before they reach the client', async () => {
    const body = await (await fetch(`${url}/trpc/leakyUser`)).text()
    expect(body).not.toContain('passwordHash')
    expect(body).not.toContain('argon2')
    expect(JSON.parse(body)).toEqual({
      result: {
        data: {
          id: 'u1',
          username: 'alice',
          role: 'admin',
          mustChangePassword: false,
          createdAt: '2026-01-01T00:00:00.000Z',
        },
      },
    })
  })
})
