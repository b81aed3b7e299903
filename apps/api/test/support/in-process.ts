// The API in the test's own process: the runtime the server runs (migrated SQLite in a temp dir,
// in-process bus, local engine, workers), with procedures called through tRPC's caller instead of
// HTTP. Everything a procedure does is real; only the wire is skipped (tests of the wire spawn the
// server: server.ts).
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { isTrackedEnvelope } from '@trpc/server'
import { afterAll, beforeAll } from 'vitest'
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
import { ADMIN_PASSWORD, type ApiDoor, readyAdmin, readyUser } from './accounts.ts'
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

/** DECNET_DISABLE_WORKERS for tests of what procedures commit, with no worker acting on it. */
export const NO_WORKERS = {
  DECNET_DISABLE_WORKERS: 'runner,collector,reconciler,mutator,incidents,enrichment',
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

/** A caller whose every call builds its context as a request would, from the services and token of that moment. */
function callerOf(
  services: () => ApiServices,
  token: () => string | undefined,
  { clientIp = '127.0.0.1', signal }: CallOptions = {},
): Caller {
  return createCaller(() => contextFor(services(), { token: token(), clientIp, setCookie: () => {} }), {
    signal,
  })
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
  const as = (token?: string, callOptions?: CallOptions) =>
    callerOf(
      () => services,
      () => token,
      callOptions,
    )
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

export type SuiteApi = InProcessApi & {
  /** The bootstrap admin, password changed. */
  admin: Caller
  /** The viewer named in the options (password changed), else an anonymous caller. */
  viewer: Caller
  /** Closes the API and starts it anew on the same data, as a process restart would. */
  restart(): Promise<void>
}

/**
 * The in-process API of the enclosing describe block: started with its first admin ready before the
 * block's tests, stopped after them. Usable at once: each member reaches the API running then.
 * `options` may be computed in beforeAll (e.g. a database URL made by an earlier hook).
 */
export function inProcessApiOfSuite(
  options: (InProcessOptions & { viewer?: string }) | (() => Promise<InProcessOptions>) = {},
): SuiteApi {
  let settled: InProcessOptions & { viewer?: string } = {}
  let first: InProcessApi | undefined
  let running: InProcessApi | undefined
  let adminToken: string | undefined
  let viewerToken: string | undefined
  const current = (): InProcessApi => {
    if (!running) throw new Error('the suite API starts in beforeAll')
    return running
  }
  beforeAll(async () => {
    settled = typeof options === 'function' ? await options() : options
    first = await startInProcessApi(settled)
    running = first
    const admin = await readyAdmin(first)
    adminToken = admin.token
    if (settled.viewer) viewerToken = (await readyUser(first, admin.client, settled.viewer, 'viewer')).token
  })
  afterAll(async () => {
    await running?.stop()
    await first?.stop()
  })
  const services = () => current().services
  return {
    get services() {
      return services()
    },
    get dataDir() {
      return current().dataDir
    },
    admin: callerOf(services, () => adminToken),
    viewer: callerOf(services, () => viewerToken),
    as: (token?: string, callOptions?: CallOptions) => callerOf(services, () => token, callOptions),
    output: () => current().output(),
    signIn: (username, password) => current().signIn(username, password),
    changePassword: (token, oldPassword, newPassword) =>
      current().changePassword(token, oldPassword, newPassword),
    createUser: (admin, user) => current().createUser(admin, user),
    async restart() {
      const previous = current()
      await previous.close()
      running = await startInProcessApi({ ...settled, dataDir: previous.dataDir })
    },
    close: () => current().close(),
    stop: () => current().stop(),
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

/**
 * Deploys `ini` (one decky) through fleet.deploy, waits until the runner has brought it up and
 * returns where it answers (on the local engine, its own loopback address).
 */
export async function deployOne(admin: Caller, ini: string): Promise<string> {
  const { lifecycleIds } = await admin.fleet.deploy({ ini })
  const [row, ...more] = await untilTerminal(admin.fleet.lifecycle, lifecycleIds)
  if (!row || more.length > 0) throw new Error(`expected one decky, got ${lifecycleIds.length}`)
  if (row.status !== 'succeeded') throw new Error(`deploy of ${row.deckyName} failed: ${row.error}`)
  return (await admin.fleet.get({ name: row.deckyName })).address
}
