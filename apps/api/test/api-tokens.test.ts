// Integration API tokens over the wire: a real API process, its SQLite file, HTTP clients exactly as
// integrations build them (`@decnet/api/client` with a Bearer token).

import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { codeOf, messageOf, readyAdmin } from './support/accounts.ts'
import { decnet } from './support/cli.ts'
import { type Client, clientFor } from './support/clients.ts'
import { type ServerProcess, startServerProcess } from './support/server.ts'

async function eventually(done: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('API tokens: named, scoped, shown once, revocable at once', () => {
  let api: ServerProcess
  let admin: Client
  let adminToken: string
  beforeAll(async () => {
    api = await startServerProcess({ DECNET_DISABLE_WORKERS: 'runner' })
    const signedIn = await readyAdmin(api)
    admin = signedIn.client
    adminToken = signedIn.token
  }, 180_000)
  afterAll(async () => {
    await api?.stop()
  })

  it('a viewer token reads but cannot act; the token is shown once and stored only as a hash', async () => {
    const created = await admin.apiTokens.create.mutate({ name: 'soar-read', role: 'viewer' })
    expect(created.token).toMatch(/^dnt_[A-Za-z0-9_-]{43}$/)
    expect(created.apiToken).toMatchObject({ name: 'soar-read', role: 'viewer', revokedAt: null })
    expect(created.token.startsWith(created.apiToken.prefix)).toBe(true)

    const listed = await admin.apiTokens.list.query()
    expect(JSON.stringify(listed)).not.toContain(created.token)
    // Whatever SQLite holds (main file and WAL) has the token's name, never the token.
    const stored = ['decnet.db', 'decnet.db-wal']
      .map((file) => join(api.dataDir, file))
      .filter((file) => existsSync(file))
      .map((file) => readFileSync(file).toString('latin1'))
      .join('')
    expect(stored).toContain('soar-read')
    expect(stored).not.toContain(created.token)
    expect(stored).not.toContain(created.token.slice(12))

    const integration = clientFor(api.url, created.token)
    expect(await codeOf(integration.fleet.list.query())).toBe('OK')
    expect(await codeOf(integration.incidents.list.query({}))).toBe('OK')
    expect(await integration.auth.me.query()).toMatchObject({ username: 'token:soar-read', role: 'viewer' })
    expect(await codeOf(integration.fleet.deploy.mutate({ ini: '[x-01]\nservices = ssh\n' }))).toBe(
      'FORBIDDEN',
    )
    expect(await codeOf(integration.apiTokens.list.query())).toBe('FORBIDDEN')
    // No password, no sign-in to end: those belong to people.
    expect(
      await messageOf(
        integration.auth.changePassword.mutate({ oldPassword: 'a', newPassword: 'b'.repeat(20) }),
      ),
    ).toMatch(/API token cannot change a password/)
    expect(await codeOf(integration.auth.logout.mutate())).toBe('FORBIDDEN')
    // A made-up token of the right shape is nobody.
    const forged = clientFor(api.url, `dnt_${'A'.repeat(43)}`)
    expect(await codeOf(forged.fleet.list.query())).toBe('UNAUTHORIZED')
  })

  it('an admin token acts, the audit log names the token, and names are unique', async () => {
    const { token } = await admin.apiTokens.create.mutate({ name: 'soar-admin', role: 'admin' })
    const integration = clientFor(api.url, token)
    const rule = await integration.incidents.ignoreRules.add.mutate({
      kind: 'cidr',
      value: '198.51.100.0/24',
    })
    expect(rule.value).toBe('198.51.100.0/24')
    const { rows } = await admin.audit.list.query({ actor: 'token:soar-admin' })
    expect(rows.map((row) => row.action)).toContain('incidents.ignoreRules.add')
    expect(await codeOf(admin.apiTokens.create.mutate({ name: 'soar-admin', role: 'viewer' }))).toBe(
      'CONFLICT',
    )
    expect(await codeOf(admin.apiTokens.create.mutate({ name: 'bad name!', role: 'viewer' }))).toBe(
      'BAD_REQUEST',
    )
    const used = (await admin.apiTokens.list.query()).find((row) => row.name === 'soar-admin')
    expect(used?.lastUsedAt).not.toBeNull()
  })

  it('revoking ends the next request and an open live stream of that token', async () => {
    const created = await admin.apiTokens.create.mutate({ name: 'revoked-soon', role: 'viewer' })
    const integration = clientFor(api.url, created.token)
    expect(await codeOf(integration.logs.search.query({ q: '' }))).toBe('OK')
    const stream = { started: false, errorCode: undefined as string | undefined, message: '' }
    const subscription = integration.logs.live.subscribe(
      {},
      {
        onStarted: () => {
          stream.started = true
        },
        onData: () => {},
        onError: (error) => {
          stream.errorCode = (error as { data?: { code?: string } }).data?.code ?? 'UNKNOWN'
          stream.message = error.message
        },
      },
    )
    await eventually(() => stream.started, 'the token stream to start')

    const revoked = await admin.apiTokens.revoke.mutate({ id: created.apiToken.id })
    expect(revoked.revokedAt).not.toBeNull()
    expect(await codeOf(integration.logs.search.query({ q: '' }))).toBe('UNAUTHORIZED')
    await eventually(() => stream.errorCode !== undefined, 'the token stream to end')
    subscription.unsubscribe()
    expect(stream.errorCode).toBe('UNAUTHORIZED')
    expect(stream.message).toMatch(/API token was revoked/)
    // Still listed, as revoked; revoking again is harmless; an unknown id is NOT_FOUND.
    expect(
      (await admin.apiTokens.list.query()).find((row) => row.id === created.apiToken.id)?.revokedAt,
    ).toBe(revoked.revokedAt)
    expect(await codeOf(admin.apiTokens.revoke.mutate({ id: created.apiToken.id }))).toBe('OK')
    expect(await codeOf(admin.apiTokens.revoke.mutate({ id: 'no-such-token' }))).toBe('NOT_FOUND')
  })

  it('decnet tokens: create prints the token once, the list never shows it, revoke ends it', async () => {
    const as = { url: api.url, token: adminToken }
    const created = await decnet(['tokens', 'create', 'cli-made', '--role', 'viewer'], as)
    expect(created.code).toBe(0)
    const token = created.stdout.split('\n')[0] ?? ''
    expect(token).toMatch(/^dnt_/)
    expect(await codeOf(clientFor(api.url, token).fleet.list.query())).toBe('OK')
    const listed = await decnet(['--json', 'tokens'], as)
    const rows = JSON.parse(listed.stdout) as { id: string; name: string }[]
    expect(listed.stdout).not.toContain(token)
    const id = rows.find((row) => row.name === 'cli-made')?.id ?? ''
    const revoked = await decnet(['tokens', 'revoke', id], as)
    expect(revoked.stdout).toMatch(/token "cli-made" revoked at/)
    expect(await codeOf(clientFor(api.url, token).fleet.list.query())).toBe('UNAUTHORIZED')
    // The CLI itself works with an API token in DECNET_TOKEN; a viewer token cannot manage tokens.
    const viewer = (await admin.apiTokens.create.mutate({ name: 'cli-viewer', role: 'viewer' })).token
    expect((await decnet(['--json', 'status'], { url: api.url, token: viewer })).code).toBe(0)
    const refused = await decnet(['tokens'], { url: api.url, token: viewer })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/admin role/)
  }, 180_000)
})
