// The audit log of operator actions: every mutation of the router is recorded once, by whom, from
// where and how it ended, with secrets redacted; admins read it, nobody can edit it through the API.
import { ZNewPassword, ZPassword } from '@decnet/core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { targetOf } from '../src/audit/operator-audit.ts'
import { isAuditSecretKey, REDACTED, redactedInput } from '../src/audit/redact.ts'
import { codeOf, readyUser } from './support/accounts.ts'
import { type Caller, inProcessApiOfSuite, NO_WORKERS } from './support/in-process.ts'
import { callAt, routerProcedures } from './support/procedures.ts'
import { keysOf } from './support/schema-keys.ts'

const mutations = routerProcedures().filter((procedure) => procedure.type === 'mutation')

/** Calls `path` on a caller by its dotted path (the paths come from the router itself). */
function call(caller: Caller, path: string, input: unknown): Promise<unknown> {
  return callAt(caller, path, input)
}

// Field names that could hold a secret; each such string input must be redacted, unless listed below.
const SECRET_LOOKING = /pass|pwd|secret|token|key|pem|hmac|cert|credential|cookie|auth|smtp|ca$/i
/** Secret-looking input fields that are not secrets, each on purpose. */
const PUBLIC_FIELDS = new Set([
  'hosts.enroll: tls.ca', // the engine's CA certificate: public
  'hosts.enroll: tls.cert', // the client certificate: public (its key is redacted)
])

/** A field's schema without its optional/nullable/default wrappers. */
function unwrapped(schema: z.ZodType): z.ZodType {
  const def = (schema as unknown as { _zod: { def: { type: string; innerType?: z.ZodType } } })._zod.def
  return def.innerType && ['optional', 'nullable', 'default'].includes(def.type)
    ? unwrapped(def.innerType)
    : schema
}

const SECRET_PASSWORD = 'Audit-Secret-Pw-4471'
const PEM_KEY = `-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n`

describe('audit redaction', () => {
  it('redacts secrets by field name and key material by its shape, and caps the rest', () => {
    const detail = redactedInput({
      username: 'eve',
      password: 'p',
      newPassword: 'q',
      tls: { ca: 'CA', cert: 'CERT', key: 'KEY' },
      hmacKey: 'h',
      smtpPassword: 's',
      token: 't',
      note: PEM_KEY,
      mustChangePassword: true,
      // An alert channel's shape (apps/api/src/alerts/transports): its sealed part goes whole.
      channel: { host: 'smtp.example', secrets: { password: 'x' }, clientKeyPem: 'k' },
      ini: 'x'.repeat(5000),
      list: Array.from({ length: 80 }, (_, i) => i),
    })
    expect(detail).toMatchObject({
      username: 'eve',
      password: REDACTED,
      newPassword: REDACTED,
      tls: { ca: 'CA', cert: 'CERT', key: REDACTED },
      hmacKey: REDACTED,
      smtpPassword: REDACTED,
      token: REDACTED,
      note: REDACTED,
      mustChangePassword: true,
      channel: { host: 'smtp.example', secrets: REDACTED, clientKeyPem: REDACTED },
    })
    expect(String(detail.ini)).toHaveLength(1000 + '…[+4000 chars]'.length)
    expect(detail.list).toHaveLength(51)
  })

  it('every secret-looking string field of every mutation input is redacted (from the zod schemas)', () => {
    const unredacted: string[] = []
    for (const { path, inputs } of mutations) {
      for (const input of inputs) {
        for (const [key, type] of keysOf(input as z.ZodType)) {
          const name = key.split('.').at(-1) ?? key
          if (type !== 'string' || !SECRET_LOOKING.test(name)) continue
          if (!isAuditSecretKey(name) && !PUBLIC_FIELDS.has(`${path}: ${key}`))
            unredacted.push(`${path}: ${key}`)
        }
      }
    }
    expect(unredacted).toEqual([])
  })

  it("every input field built on core's password schemas is redacted, whatever its name", () => {
    const passwordSchemas = new Set<z.ZodType>([ZPassword, ZNewPassword])
    const fields: string[] = []
    for (const { path, inputs } of mutations) {
      for (const input of inputs) {
        for (const [key, , schema] of keysOf(input as z.ZodType)) {
          if (!passwordSchemas.has(unwrapped(schema))) continue
          const name = key.split('.').at(-1) ?? key
          fields.push(`${path}: ${key} ${isAuditSecretKey(name) ? 'redacted' : 'KEPT'}`)
        }
      }
    }
    // Some exist (login, changePassword, users.create/resetPassword), and none is kept.
    expect(fields.length).toBeGreaterThanOrEqual(5)
    expect(fields.filter((field) => field.endsWith('KEPT'))).toEqual([])
  })
})

describe('audit log of operator actions', () => {
  const api = inProcessApiOfSuite({ env: NO_WORKERS })
  let operator: Caller
  let viewer: Caller
  const OPERATOR_IP = '198.51.100.7'
  const VIEWER_IP = '203.0.113.9'

  beforeAll(async () => {
    const signedIn = await readyUser(api, api.admin, 'operator1', 'admin')
    operator = api.as(signedIn.token, { clientIp: OPERATOR_IP })
    const viewerUser = await readyUser(api, api.admin, 'viewer1', 'viewer')
    viewer = api.as(viewerUser.token, { clientIp: VIEWER_IP })
  })

  const entriesOf = async (action: string) => (await api.admin.audit.list({ action, limit: 500 })).rows

  it('the router has mutations to audit, and none under audit.*', () => {
    expect(mutations.length).toBeGreaterThan(10)
    expect(routerProcedures().filter((p) => p.path.startsWith('audit.'))).toEqual([
      expect.objectContaining({ path: 'audit.list', type: 'query', role: 'admin' }),
    ])
    // The repository offers no way to rewrite it either.
    expect(Object.keys(api.services.db.audit).sort()).toEqual(['append', 'list'])
  })

  it.each(mutations.filter((m) => !m.meta?.audit?.actorFromInput))(
    '$path records exactly one entry per call: actor, source IP and outcome',
    async ({ path }) => {
      const before = await entriesOf(path)
      // An input no procedure accepts: the call is refused by validation, so no handler runs.
      expect(await codeOf(call(operator, path, { __probe: true }))).toBe('BAD_REQUEST')
      const after = await entriesOf(path)
      expect(after).toHaveLength(before.length + 1)
      expect(after[0]).toMatchObject({
        actor: 'operator1',
        action: path,
        sourceIp: OPERATOR_IP,
        outcome: 'BAD_REQUEST',
        detail: { __probe: true },
      })
      // A viewer refused an admin mutation is recorded too; an anonymous caller is not (nobody to name).
      const viewerCode = await codeOf(call(viewer, path, { __probe: true }))
      const anonymousCode = await codeOf(call(api.as(undefined, { clientIp: '192.0.2.1' }), path, {}))
      expect(anonymousCode).toBe('UNAUTHORIZED')
      const last = await entriesOf(path)
      expect(last).toHaveLength(after.length + 1)
      expect(last[0]).toMatchObject({ actor: 'viewer1', sourceIp: VIEWER_IP, outcome: viewerCode })
    },
  )

  it('records a real journey once per call, with its target, outcome and no secret', async () => {
    const since = new Date().toISOString()
    await operator.fleet.deploy({ ini: '[audited-1]\nservices = ssh\n' })
    await operator.fleet.setMutateInterval({ name: 'audited-1', interval: '2h' })
    await codeOf(operator.fleet.mutate({ name: 'audited-1' }))
    await operator.fleet.teardown({ name: 'audited-1' })
    await operator.config.setDeploymentLimit({ deploymentLimit: 77 })
    const created = await operator.users.create({
      username: 'newbie',
      password: SECRET_PASSWORD,
      role: 'viewer',
    })
    await operator.users.resetPassword({ id: created.id, newPassword: `${SECRET_PASSWORD}-2` })
    await operator.users.setRole({ id: created.id, role: 'admin' })
    expect(await codeOf(operator.users.delete({ id: 'no-such-user' }))).toBe('NOT_FOUND')
    await operator.users.delete({ id: created.id })

    const { rows } = await api.admin.audit.list({ actor: 'operator1', since })
    const journey = rows.reverse().map((entry) => [entry.action, entry.target, entry.outcome])
    expect(journey).toEqual([
      ['fleet.deploy', '', 'ok'],
      ['fleet.setMutateInterval', 'audited-1', 'ok'],
      ['fleet.mutate', 'audited-1', expect.any(String)],
      ['fleet.teardown', 'audited-1', 'ok'],
      ['config.setDeploymentLimit', '', 'ok'],
      ['users.create', 'newbie', 'ok'],
      ['users.resetPassword', created.id, 'ok'],
      ['users.setRole', created.id, 'ok'],
      ['users.delete', 'no-such-user', 'NOT_FOUND'],
      ['users.delete', created.id, 'ok'],
    ])
    expect(rows.every((entry) => entry.sourceIp === OPERATOR_IP)).toBe(true)
    const deploy = rows.find((entry) => entry.action === 'fleet.deploy')
    expect(deploy?.detail).toEqual({ ini: '[audited-1]\nservices = ssh\n' })
    expect(JSON.stringify(rows)).not.toContain(SECRET_PASSWORD)
    expect(rows.find((entry) => entry.action === 'users.create')?.detail).toEqual({
      username: 'newbie',
      password: REDACTED,
      role: 'viewer',
    })
  })

  it('records sign-ins, failed and successful, under the user name given, without the password', async () => {
    const since = new Date().toISOString()
    const anonymous = api.as(undefined, { clientIp: '192.0.2.44' })
    expect(await codeOf(anonymous.auth.login({ username: 'viewer1', password: SECRET_PASSWORD }))).toBe(
      'UNAUTHORIZED',
    )
    // Whatever name an attempt gives is kept without its control characters (a terminal escape here).
    const hostileName = `eve\u0007\u001b[31m${'y'.repeat(50)}`
    expect(await codeOf(anonymous.auth.login({ username: hostileName, password: SECRET_PASSWORD }))).toBe(
      'UNAUTHORIZED',
    )
    await anonymous.auth.login({ username: 'viewer1', password: 'viewer1-changed-pw-1' })
    // Malformed attempts decide nothing and are not recorded (they cost a flooder nothing).
    expect(await codeOf(anonymous.auth.login({ username: '', password: '' }))).toBe('BAD_REQUEST')

    const { rows } = await api.admin.audit.list({ action: 'auth.login', since })
    expect(rows.reverse().map((entry) => [entry.actor, entry.outcome, entry.sourceIp])).toEqual([
      ['viewer1', 'UNAUTHORIZED', '192.0.2.44'],
      [`eve[31m${'y'.repeat(50)}`, 'UNAUTHORIZED', '192.0.2.44'],
      ['viewer1', 'ok', '192.0.2.44'],
    ])
    expect(JSON.stringify(rows)).not.toContain(SECRET_PASSWORD)
    expect(JSON.stringify(rows)).not.toContain('viewer1-changed-pw-1')
  })

  it('keeps a certificate as its fingerprint only (host material is sealed at rest; the log must not hold it in clear)', () => {
    const certificate = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUe\n-----END CERTIFICATE-----\n'
    const detail = redactedInput({ tls: { ca: certificate, cert: `chain:\n${certificate}${certificate}` } })
    const text = JSON.stringify(detail)
    expect(text).not.toContain('BEGIN CERTIFICATE')
    expect(text).not.toContain('MIIBszCCAVmgAwIBAgIUe')
    expect(detail).toMatchObject({
      tls: { ca: expect.stringMatching(/^\[PEM certificate sha256:[0-9a-f]{16}\]\n$/) },
    })
    // Two copies of one certificate have the same fingerprint: the log still tells which was used.
    const [first, second] = String((detail.tls as { cert: string }).cert).match(/sha256:[0-9a-f]{16}/g) ?? []
    expect(first).toBeDefined()
    expect(first).toBe(second)
  })

  it('redacts TLS key material of a host enrolment', async () => {
    const since = new Date().toISOString()
    const code = await codeOf(
      operator.hosts.enroll({
        name: 'edge-audit',
        dockerUrl: 'tcp://127.0.0.1:1',
        tls: { ca: 'CA-PEM', cert: 'CERT-PEM', key: PEM_KEY },
        network: { driver: 'bridge', subnet: '10.99.0.0/24', gateway: '10.99.0.1' },
      }),
    )
    const [entry] = (await api.admin.audit.list({ action: 'hosts.enroll', since })).rows
    expect(entry).toMatchObject({ actor: 'operator1', target: 'edge-audit', outcome: code })
    expect(entry?.detail.tls).toEqual({ ca: 'CA-PEM', cert: 'CERT-PEM', key: REDACTED })
    expect(JSON.stringify(entry)).not.toContain('PRIVATE KEY')
  })

  it('filters by actor, action prefix, target and time, and pages with a cursor', async () => {
    const all = (await api.admin.audit.list({ limit: 500 })).rows
    expect(all.length).toBeGreaterThan(20)
    const pages: string[] = []
    let cursor: string | undefined
    do {
      const page = await api.admin.audit.list({ limit: 7, ...(cursor ? { cursor } : {}) })
      pages.push(...page.rows.map((row) => row.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(pages).toEqual(all.map((row) => row.id))
    const fleet = (await api.admin.audit.list({ action: 'fleet.' })).rows
    expect(fleet.length).toBeGreaterThan(0)
    expect(fleet.every((row) => row.action.startsWith('fleet.'))).toBe(true)
    const byTarget = (await api.admin.audit.list({ target: 'audited-1' })).rows
    expect(byTarget.map((row) => row.action).sort()).toEqual([
      'fleet.mutate',
      'fleet.setMutateInterval',
      'fleet.teardown',
    ])
    const future = new Date(Date.now() + 60_000).toISOString()
    expect((await api.admin.audit.list({ since: future })).rows).toEqual([])
    expect((await api.admin.audit.list({ until: all.at(-1)?.at as string })).rows).toEqual([])
    expect(await codeOf(api.admin.audit.list({ cursor: 'not-a-cursor' }))).toBe('BAD_REQUEST')
  })

  it('is for admins only: a viewer gets FORBIDDEN', async () => {
    expect(await codeOf(viewer.audit.list({}))).toBe('FORBIDDEN')
  })
})

describe('audit target', () => {
  it('is the input main identifier: a name, an id, any …Id, a list, or * for the whole fleet', () => {
    expect(targetOf({ name: 'web-01', id: 'x' })).toBe('web-01')
    expect(targetOf({ id: 'u1', role: 'admin' })).toBe('u1')
    expect(targetOf({ note: 'n', widgetId: 'w7' })).toBe('w7')
    expect(targetOf({ ids: ['a', 'b', 3] })).toBe('a,b')
    expect(targetOf({ all: true })).toBe('*')
    expect(targetOf({ deploymentLimit: 5 })).toBe('')
    expect(targetOf('text')).toBe('')
    expect(targetOf({ name: `a\u0000b${'c'.repeat(500)}` })).toBe(`ab${'c'.repeat(198)}`)
  })
})
