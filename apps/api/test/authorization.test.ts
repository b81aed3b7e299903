import { beforeAll, describe, expect, it } from 'vitest'
import type { ProcedureRole } from '../src/trpc.ts'
import { codeOf, login, readyUser } from './support/accounts.ts'
import { type Caller, inProcessApiOfSuite, NO_WORKERS } from './support/in-process.ts'
import { callAt, routerProcedures } from './support/procedures.ts'

/** API.md's role column. A procedure missing here (or here but not in the router) fails the suite. */
const EXPECTED_ROLE: Record<string, ProcedureRole> = {
  'auth.login': 'anon',
  'auth.logout': 'any',
  'auth.me': 'any',
  'auth.session': 'anon',
  'auth.changePassword': 'any',
  'users.list': 'admin',
  'users.create': 'admin',
  'users.delete': 'admin',
  'users.setRole': 'admin',
  'users.resetPassword': 'admin',
  'apiTokens.list': 'admin',
  'apiTokens.create': 'admin',
  'apiTokens.revoke': 'admin',
  'config.get': 'viewer',
  'config.setDeploymentLimit': 'admin',
  'config.setGlobalMutationInterval': 'admin',
  'config.purge': 'admin',
  'catalog.services': 'viewer',
  'catalog.archetypes': 'viewer',
  'catalog.distros': 'viewer',
  'catalog.secretDefault': 'admin',
  'fleet.list': 'viewer',
  'fleet.get': 'viewer',
  'topology.get': 'viewer',
  'fleet.preview': 'admin',
  'fleet.deploy': 'admin',
  'fleet.mutatePreview': 'admin',
  'fleet.mutate': 'admin',
  'fleet.editServices': 'admin',
  'fleet.history': 'viewer',
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
  'logs.fields': 'viewer',
  'attackers.list': 'viewer',
  'attackers.get': 'viewer',
  'attackers.intel': 'viewer',
  'intel.techniques': 'viewer',
  'intel.navigatorLayer': 'viewer',
  'intel.iocs': 'viewer',
  'attackers.identity': 'viewer',
  'attackers.sessions': 'viewer',
  'attackers.path': 'viewer',
  'sessions.get': 'viewer',
  'artifacts.list': 'viewer',
  'artifacts.get': 'viewer',
  'stats.get': 'viewer',
  'dashboard.overview': 'viewer',
  'dashboard.now': 'viewer',
  'health.get': 'anon',
  'hosts.list': 'admin',
  'hosts.get': 'admin',
  'hosts.enroll': 'admin',
  'hosts.decommission': 'admin',
  'images.status': 'admin',
  'images.get': 'admin',
  'images.rollout': 'admin',
  'images.rollback': 'admin',
  'alerts.channels.list': 'viewer',
  'alerts.channels.create': 'admin',
  'alerts.channels.update': 'admin',
  'alerts.channels.remove': 'admin',
  'alerts.channels.sendTest': 'admin',
  'alerts.deliveries.list': 'viewer',
  'incidents.list': 'viewer',
  'incidents.get': 'viewer',
  'incidents.acknowledge': 'admin',
  'incidents.resolve': 'admin',
  'incidents.onNew': 'viewer',
  'incidents.ignoreRules.list': 'viewer',
  'incidents.ignoreRules.add': 'admin',
  'incidents.ignoreRules.remove': 'admin',
  'audit.list': 'admin',
  'intel.credentials': 'viewer',
  'intel.identities': 'viewer',
  'intel.campaigns': 'viewer',
  'workers.list': 'viewer',
  'fileDrops.list': 'admin',
  'fileDrops.add': 'admin',
  'fileDrops.remove': 'admin',
  'workers.pause': 'admin',
  'workers.resume': 'admin',
  // Viewers export too (secrets masked or left out for them: exports.test.ts).
  'exports.logs': 'viewer',
  'exports.attackers': 'viewer',
  'exports.credentials': 'viewer',
  'exports.incidents': 'viewer',
  'exports.iocs': 'viewer',
}

const procedures = routerProcedures()

/**
 * Calls a procedure with an input no procedure accepts (an unknown key): a caller the guard lets
 * through gets BAD_REQUEST from input validation, so no handler ever runs; a refused one gets the
 * guard's code. A subscription is refused or admitted before its first event, when it is opened.
 */
async function probe(caller: Caller, path: string): Promise<string> {
  return codeOf(callAt(caller, path, { __probe: true }))
}

const ALLOWED = 'BAD_REQUEST'

describe('authorization, generated from the router', () => {
  const api = inProcessApiOfSuite({ env: NO_WORKERS })
  let viewer: Caller
  let pending: Caller
  beforeAll(async () => {
    viewer = (await readyUser(api, api.admin, 'viewer1', 'viewer')).client
    await api.admin.users.create({ username: 'pending1', password: 'pending1-initial-pw', role: 'admin' })
    pending = (await login(api, 'pending1', 'pending1-initial-pw')).client
  })

  it('classifies every procedure of the router exactly as API.md does', () => {
    expect(Object.fromEntries(procedures.map(({ path, role }) => [path, role]))).toEqual(EXPECTED_ROLE)
  })

  it.each(procedures)(
    '$path refuses or admits anonymous, must-change-password and viewer callers',
    async ({ path, role }) => {
      expect(await probe(api.as(), path)).toBe(role === 'anon' ? ALLOWED : 'UNAUTHORIZED')

      const beforeChange =
        role === 'anon' || path === 'auth.me' || path === 'auth.logout' || path === 'auth.changePassword'
      expect(await probe(pending, path)).toBe(beforeChange ? ALLOWED : 'FORBIDDEN')

      expect(await probe(viewer, path)).toBe(role === 'admin' ? 'FORBIDDEN' : ALLOWED)
    },
  )
})
