import { type PostgresServer, startPostgres } from '@decnet/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { login, NEW_ADMIN_PASSWORD, readyAdmin, readyUser } from './support/accounts.ts'
import { type Client, clientFor } from './support/clients.ts'
import { type ServerProcess, startServerProcess } from './support/server.ts'

async function eventually(done: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

type Stream = { started: boolean; errorCode: string | undefined; errorMessage: string; stop(): void }

function track(
  subscribe: (handlers: { onStarted: () => void; onError: (error: unknown) => void }) => {
    unsubscribe(): void
  },
): Stream {
  const stream: Stream = { started: false, errorCode: undefined, errorMessage: '', stop: () => {} }
  const subscription = subscribe({
    onStarted: () => {
      stream.started = true
    },
    onError: (error) => {
      stream.errorCode = (error as { data?: { code?: string } }).data?.code ?? 'UNKNOWN'
      stream.errorMessage = (error as Error).message
    },
  })
  stream.stop = () => subscription.unsubscribe()
  return stream
}

const liveLogs = (client: Client) =>
  track((handlers) => client.logs.live.subscribe({}, { ...handlers, onData: () => {} }))
const watchLifecycle = (client: Client, ids: string[]) =>
  track((handlers) => client.fleet.watchLifecycle.subscribe({ ids }, { ...handlers, onData: () => {} }))

// Two API processes on one PostgreSQL database: the revocation happens on A, the streams are on B.
// The runner is off, so a deploy stays pending and its lifecycle watch stays open.
describe('live streams are capped per user and end with the session, across API processes', () => {
  let postgres: PostgresServer
  let a: ServerProcess
  let b: ServerProcess
  let adminOnA: Client
  let pendingIds: string[]
  const env = (databaseUrl: string) => ({
    DECNET_ENGINE: 'local',
    DATABASE_URL: databaseUrl,
    DECNET_SESSION_SECRET: 'session-streams-test-secret-0123456789abcdef',
    DECNET_DISABLE_WORKERS: 'runner',
  })
  beforeAll(async () => {
    postgres = await startPostgres()
    const databaseUrl = await postgres.createDatabase('decnet_session_streams')
    a = await startServerProcess(env(databaseUrl))
    b = await startServerProcess(env(databaseUrl))
    adminOnA = (await readyAdmin(a)).client
    pendingIds = (await adminOnA.fleet.deploy.mutate({ ini: '[pending-01]\nservices = ssh\n' })).lifecycleIds
  }, 120_000)
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()])
    postgres?.stop()
  })

  /** A fresh viewer with a live log stream and a lifecycle watch open on B. */
  async function viewerStreamsOnB(name: string) {
    const viewer = await readyUser(a, adminOnA, name, 'viewer')
    const onB = clientFor(b.url, viewer.token)
    const streams = [liveLogs(onB), watchLifecycle(onB, pendingIds)]
    await eventually(() => streams.every((s) => s.started), `${name}'s streams to start`)
    return { ...viewer, onA: clientFor(a.url, viewer.token), streams }
  }

  async function expectEnded(streams: Stream[], why: RegExp) {
    await eventually(() => streams.every((s) => s.errorCode !== undefined), 'the streams to end')
    for (const stream of streams) {
      expect(stream.errorCode).toBe('UNAUTHORIZED')
      expect(stream.errorMessage).toMatch(why)
      stream.stop()
    }
  }

  it('refuses a stream past the per-user cap with TOO_MANY_REQUESTS, and frees the slot when one closes', async () => {
    const viewer = await readyUser(a, adminOnA, 'many-tabs', 'viewer')
    const onB = clientFor(b.url, viewer.token)
    const open = Array.from({ length: 10 }, () => liveLogs(onB))
    await eventually(() => open.every((s) => s.started), 'ten streams to start')
    const refused = watchLifecycle(onB, pendingIds)
    await eventually(() => refused.errorCode !== undefined, 'the eleventh stream to be refused')
    expect(refused.errorCode).toBe('TOO_MANY_REQUESTS')
    refused.stop()
    expect(open.every((s) => s.errorCode === undefined)).toBe(true)
    // Another user is not affected by this one's streams.
    const other = await viewerStreamsOnB('other-user')
    expect(other.streams.every((s) => s.errorCode === undefined)).toBe(true)
    open.pop()?.stop()
    const retry = async () => {
      const stream = liveLogs(onB)
      await eventually(() => stream.started || stream.errorCode !== undefined, 'the retry to answer')
      return stream
    }
    let again = await retry()
    // The slot frees when B notices the closed connection: retry until it has.
    for (let attempt = 0; again.errorCode === 'TOO_MANY_REQUESTS' && attempt < 50; attempt++) {
      again.stop()
      await new Promise((resolve) => setTimeout(resolve, 200))
      again = await retry()
    }
    expect(again.errorCode).toBeUndefined()
    for (const stream of [...open, again, ...other.streams]) stream.stop()
  })

  it('end when the user signs out', async () => {
    const viewer = await viewerStreamsOnB('signs-out')
    await viewer.onA.auth.logout.mutate()
    await expectEnded(viewer.streams, /signed out/)
  })

  it('end when the user changes their password; streams on the new token stay open', async () => {
    const viewer = await viewerStreamsOnB('changes-password')
    const { token } = await viewer.onA.auth.changePassword.mutate({
      oldPassword: 'changes-password-changed-pw-1',
      newPassword: 'changes-password-changed-pw-2',
    })
    const fresh = liveLogs(clientFor(b.url, token))
    await expectEnded(viewer.streams, /revoked/)
    await eventually(() => fresh.started, 'the stream on the new token')
    expect(fresh.errorCode).toBeUndefined()
    fresh.stop()
  })

  it('end when an admin resets the password, changes the role or deletes the user', async () => {
    const reset = await viewerStreamsOnB('gets-reset')
    await adminOnA.users.resetPassword.mutate({ id: reset.id, newPassword: 'reset-by-admin-pw-1' })
    await expectEnded(reset.streams, /revoked/)

    const promoted = await viewerStreamsOnB('gets-promoted')
    await adminOnA.users.setRole.mutate({ id: promoted.id, role: 'admin' })
    await expectEnded(promoted.streams, /role changed/)

    const deleted = await viewerStreamsOnB('gets-deleted')
    await adminOnA.users.delete.mutate({ id: deleted.id })
    await expectEnded(deleted.streams, /deleted/)
    // And a deleted user's token opens nothing new.
    const after = liveLogs(clientFor(b.url, deleted.token))
    await eventually(() => after.errorCode !== undefined, 'the refusal')
    expect(after.errorCode).toBe('UNAUTHORIZED')
    after.stop()
    expect((await login(a, 'admin', NEW_ADMIN_PASSWORD)).token).toBeTruthy()
  })
})
