import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProcedureRole } from '../src/trpc.ts'
import { login, readyAdmin, readyUser } from './support/clients.ts'
import { type ProcedureInfo, routerProcedures } from './support/procedures.ts'
import { type ServerProcess, startServerProcess } from './support/server.ts'

/** API.md's role column. A procedure missing here (or here but not in the router) fails the suite. */
const EXPECTED_ROLE: Record<string, ProcedureRole> = {
  'auth.login': 'anon',
  'auth.logout': 'any',
  'auth.me': 'any',
  'auth.changePassword': 'any',
  'users.list': 'admin',
  'users.create': 'admin',
  'users.delete': 'admin',
  'users.setRole': 'admin',
  'users.resetPassword': 'admin',
  'config.get': 'viewer',
  'config.setDeploymentLimit': 'admin',
  'config.setGlobalMutationInterval': 'admin',
  'config.purge': 'admin',
  'catalog.services': 'viewer',
  'catalog.archetypes': 'viewer',
  'catalog.distros': 'viewer',
  'fleet.list': 'viewer',
  'fleet.get': 'viewer',
  'fleet.preview': 'admin',
  'fleet.deploy': 'admin',
  'fleet.mutate': 'admin',
  'fleet.teardown': 'admin',
  'fleet.setMutateInterval': 'admin',
  'fleet.lifecycle': 'viewer',
  'fleet.watchLifecycle': 'viewer',
  'fleet.reapOrphans': 'admin',
  'fleet.repair': 'admin',
  'fleet.export': 'viewer',
  'logs.search': 'viewer',
  'logs.histogram': 'viewer',
  'logs.live': 'viewer',
  'attackers.list': 'viewer',
  'attackers.get': 'viewer',
  'stats.get': 'viewer',
  'health.get': 'anon',
  'hosts.list': 'admin',
  'hosts.get': 'admin',
  'hosts.enroll': 'admin',
  'hosts.decommission': 'admin',
}

const procedures = routerProcedures()

/**
 * Calls a procedure with an input no procedure accepts (an unknown key): a caller the guard lets
 * through gets BAD_REQUEST from input validation, so no handler ever runs; a refused one gets the
 * guard's code.
 */
async function probe(
  url: string,
  path: string,
  type: ProcedureInfo['type'],
  token?: string,
): Promise<string> {
  const input = encodeURIComponent(JSON.stringify({ __probe: true }))
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {}
  if (type === 'mutation') {
    const response = await fetch(`${url}/trpc/${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ __probe: true }),
    })
    return ((await response.json()) as { error: { data: { code: string } } }).error.data.code
  }
  if (type === 'query') {
    const response = await fetch(`${url}/trpc/${path}?input=${input}`, { headers })
    return ((await response.json()) as { error: { data: { code: string } } }).error.data.code
  }
  const abort = new AbortController()
  const response = await fetch(`${url}/trpc/${path}?input=${input}`, {
    headers: { ...headers, accept: 'text/event-stream' },
    signal: abort.signal,
  })
  const reader = response.body!.getReader()
  let text = ''
  while (!text.includes('serialized-error')) {
    const { value, done } = await reader.read()
    if (done) break
    text += new TextDecoder().decode(value)
  }
  abort.abort()
  const data = text.split('\n').find((line) => line.startsWith('data: ') && line.includes('"code"'))
  return (JSON.parse(data!.slice('data: '.length)) as { data: { code: string } }).data.code
}

const ALLOWED = 'BAD_REQUEST'

describe('authorization, generated from the router', () => {
  let api: ServerProcess
  let viewerToken: string
  let pendingToken: string
  beforeAll(async () => {
    api = await startServerProcess({ DECNET_DISABLE_WORKERS: 'runner,collector,reconciler,mutator' })
    const admin = (await readyAdmin(api.url)).client
    viewerToken = (await readyUser(api.url, admin, 'viewer1', 'viewer')).token
    await admin.users.create.mutate({ username: 'pending1', password: 'pending1-initial-pw', role: 'admin' })
    pendingToken = (await login(api.url, 'pending1', 'pending1-initial-pw')).token
  })
  afterAll(() => api.stop())

  it('classifies every procedure of the router exactly as API.md does', () => {
    expect(Object.fromEntries(procedures.map(({ path, role }) => [path, role]))).toEqual(EXPECTED_ROLE)
  })

  it.each(procedures)(
    '$path refuses or admits anonymous, must-change-password and viewer callers',
    async ({ path, type, role }) => {
      const anonymous = await probe(api.url, path, type)
      expect(anonymous).toBe(role === 'anon' ? ALLOWED : 'UNAUTHORIZED')

      const pending = await probe(api.url, path, type, pendingToken)
      const beforeChange =
        role === 'anon' || path === 'auth.me' || path === 'auth.logout' || path === 'auth.changePassword'
      expect(pending).toBe(beforeChange ? ALLOWED : 'FORBIDDEN')

      const viewer = await probe(api.url, path, type, viewerToken)
      expect(viewer).toBe(role === 'admin' ? 'FORBIDDEN' : ALLOWED)
    },
  )
})
