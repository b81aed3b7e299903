// The API in the test's own process: the runtime the server runs (migrated SQLite in a temp dir,
// in-process bus, local engine, workers), with procedures called through tRPC's caller instead of
// HTTP. Everything a procedure does is real; only the wire is skipped (tests of the wire spawn the
// server: server.ts).
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { isTrackedEnvelope } from '@trpc/server'
import { createApiRuntime } from '../../src/app.ts'
import {
  createLoginThrottle,
  DEFAULT_LOGIN_LIMITS,
  type LoginThrottleLimits,
} from '../../src/auth/login-throttle.ts'
import { loadConfig } from '../../src/config.ts'
import { type ApiServices, contextFor } from '../../src/context.ts'
import { appRouter } from '../../src/router.ts'
import { createCallerFactory } from '../../src/trpc.ts'
import { ADMIN_PASSWORD, type ApiDoor } from './accounts.ts'
import { untilTerminal } from './lifecycle.ts'

const createCaller = createCallerFactory(appRouter)

/** Every procedure as an async function, e.g. `await caller.fleet.deploy({ ini })`. */
export type Caller = ReturnType<typeof createCaller>

export type CallOptions = {
  /** The caller's address, as the API would have found it (the peer, or what a trusted proxy forwarded). */
  clientIp?: string
  /** Hangs up the caller's streams, as a closed connection does. */
  signal?: AbortSignal
}

export type InProcessApi = ApiDoor<Caller> & {
  /** Calls as the holder of `token` (none: anonymous); each call resolves the session anew, as a request does. */
  as(token?: string, options?: CallOptions): Caller
  services: ApiServices
  dataDir: string
  /** What the API logged so far. */
  output(): string
  /** Stops workers, bus and database (once); the data dir stays (start another on it to restart). */
  close(): Promise<void>
  /** close(), then removes the data dir unless it was given. */
  stop(): Promise<void>
}

export type InProcessOptions = {
  /** DECNET_* settings, as the server reads them from its environment (DECNET_ENGINE defaults to local). */
  env?: Record<string, string>
  /** An existing data dir, e.g. of an API closed before (a restart). */
  dataDir?: string
  /** Login throttle limits instead of the defaults: shorter backoffs keep a test of them quick. */
  loginLimits?: LoginThrottleLimits
}

/** The default login limits with the per-username backoff 10 times shorter (the counts are the same). */
export const QUICK_LOGIN_LIMITS: LoginThrottleLimits = {
  ...DEFAULT_LOGIN_LIMITS,
  perUsername: { ...DEFAULT_LOGIN_LIMITS.perUsername, baseDelayMs: 25, maxDelayMs: 800 },
}

export async function startInProcessApi(options: InProcessOptions = {}): Promise<InProcessApi> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'decnet-api-test-'))
  const lines: string[] = []
  const config = loadConfig({
    DECNET_DATA_DIR: dataDir,
    DECNET_ADMIN_PASSWORD: ADMIN_PASSWORD,
    DECNET_ENGINE: 'local',
    ...options.env,
  })
  const runtime = await createApiRuntime(config, (line) => lines.push(line)).catch((error: unknown) => {
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true })
    throw error
  })
  const { services } = runtime
  if (options.loginLimits) services.limits.login = createLoginThrottle(options.loginLimits)
  let closed: Promise<void> | undefined
  const close = () => {
    closed ??= runtime.close()
    return closed
  }
  const as = (token?: string, { clientIp = '127.0.0.1', signal }: CallOptions = {}): Caller =>
    createCaller(() => contextFor(services, { token, clientIp, setCookie: () => {} }), { signal })
  return {
    services,
    dataDir,
    output: () => lines.join('\n'),
    as,
    signIn: async (username, password) => (await as().auth.login({ username, password })).token,
    changePassword: async (token, oldPassword, newPassword) =>
      (await as(token).auth.changePassword({ oldPassword, newPassword })).token,
    createUser: async (admin, user) => (await admin.users.create(user)).id,
    close,
    async stop() {
      await close()
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export type StreamEvent<T> = { id: string; data: T }

/**
 * Reads a subscription until `enough` says so (then hangs up, as a client closing its connection)
 * or until it ends; its events with their tracked ids. tRPC types a caller's stream as the client
 * sees it ({ id, data }); in process it yields what the procedure yields, tracked envelopes.
 */
export async function readEvents<T>(
  stream: AsyncIterable<StreamEvent<T>>,
  enough: (events: StreamEvent<T>[]) => boolean = () => false,
): Promise<StreamEvent<T>[]> {
  const events: StreamEvent<T>[] = []
  if (enough(events)) return events
  for await (const item of stream as AsyncIterable<unknown>) {
    if (!isTrackedEnvelope(item)) throw new Error('a stream event without a tracked id')
    events.push({ id: item[0], data: item[1] as T })
    if (enough(events)) break
  }
  return events
}

/** Deploys `ini` through fleet.deploy and waits until the runner has brought every decky up. */
export async function deployAndWait(admin: Caller, ini: string): Promise<void> {
  const { lifecycleIds } = await admin.fleet.deploy({ ini })
  const rows = await untilTerminal(admin.fleet.lifecycle, lifecycleIds)
  const failed = rows.filter((row) => row.status !== 'succeeded')
  if (failed.length > 0) throw new Error(`deploy failed: ${failed.map((row) => row.error).join('; ')}`)
}
