import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { ZPublicUser } from '@decnet/core'
import { createHTTPHandler } from '@trpc/server/adapters/standalone'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import type { ApiContext } from '../src/context.ts'
import { ZNoInput } from '../src/no-input.ts'
import { streamItemSchemas } from '../src/subscription-output.ts'
import { publicProcedure, router } from '../src/trpc.ts'
import { routerProcedures } from './support/procedures.ts'

type ZodNode = { _zod: { def: Record<string, unknown> & { type: string } } }

/** Every object key reachable in a zod schema, as a dotted path with the type of its value. */
function keysOf(schema: z.ZodType, prefix = ''): [string, string][] {
  const item = streamItemSchemas.get(schema)
  if (item) return keysOf(item, prefix)
  const def = (schema as unknown as ZodNode)._zod.def
  const children: [string, z.ZodType][] = []
  switch (def.type) {
    case 'object':
      for (const [key, child] of Object.entries(def.shape as Record<string, z.ZodType>)) {
        children.push([`${prefix}${key}`, child])
      }
      return children.flatMap(([path, child]) => [[path, leafType(child)], ...keysOf(child, `${path}.`)])
    case 'array':
      return keysOf(def.element as z.ZodType, `${prefix}[].`)
    case 'union':
      return (def.options as z.ZodType[]).flatMap((option) => keysOf(option, prefix))
    case 'optional':
    case 'nullable':
    case 'default':
      return keysOf(def.innerType as z.ZodType, prefix)
    case 'pipe':
      return [...keysOf(def.in as z.ZodType, prefix), ...keysOf(def.out as z.ZodType, prefix)]
    case 'record':
      return keysOf(def.valueType as z.ZodType, `${prefix}*.`)
    default:
      return []
  }
}

/** The type a value ends up as, looking through optional/nullable/default wrappers. */
function leafType(schema: z.ZodType): string {
  const def = (schema as unknown as ZodNode)._zod.def
  if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') {
    return leafType(def.innerType as z.ZodType)
  }
  return def.type
}

// Secrets are strings; a boolean such as mustChangePassword or a config field's `secret` flag cannot leak one.
const SECRET_NAME =
  /^(password|passwordhash|hash|secret|token|salt|cookie|session|privatekey|apikey|tlskey|key)$/i
/** The only secret-looking output fields, each on purpose. */
const ALLOWED_SECRET_FIELDS = [
  'auth.login: token', // the session token is what login hands out (API.md)
  'auth.changePassword: token', // the caller's replacement session token
  'attackers.get: credentials.[].secret', // what an attacker sent to a decoy; masked for viewers
  'catalog.services: [].config.[].key', // the name of a service setting, not a value
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
