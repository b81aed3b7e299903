import type { IncomingMessage, ServerResponse } from 'node:http'
import type { DecnetDatabase as Database } from '@decnet/db'
import type { Bus } from '@decnet/lifecycle'
import type Docker from 'dockerode'
import { readCookie, SESSION_COOKIE } from './auth/cookies.ts'
import type { RateLimiter } from './auth/rate-limit.ts'
import type { SessionTokenIssuer } from './auth/session-token.ts'
import type { ApiConfig } from './config.ts'
import type { LifecycleFeed } from './fleet/lifecycle-feed.ts'
import type { SecretBox } from './hosts/secret-box.ts'
import type { FleetNetwork } from './settings/network.ts'
import type { LocalEngineState } from './workers/local-engine-watch.ts'

/** What procedures need from the lifecycle runner: a nudge that new rows are pending. */
export type RunnerHandle = { wake(): void }

/** What procedures need from the enrolled hosts' workers: start a just-enrolled host's at once. */
export type HostsHandle = { sync(): Promise<void> }

/** What procedures need from the reconciler worker (which owns engine access). */
export type ReconcilerHandle = {
  reapOrphans(): Promise<{ containersRemoved: string[]; networksRemoved: string[]; errors: string[] }>
}

/** Long-lived services the procedures use; built once at start-up. */
export type ApiServices = {
  config: ApiConfig
  db: Database
  docker: Docker
  bus: Bus
  tokens: SessionTokenIssuer
  limits: {
    loginPerIp: RateLimiter
    loginPerUsername: RateLimiter
    searchPerUser: RateLimiter
  }
  /** Which engine this process drives: decided once at start-up (auto → docker if reachable). */
  engine: 'docker' | 'local'
  runner: RunnerHandle
  reconciler: ReconcilerHandle
  hosts: HostsHandle
  lifecycleFeed: LifecycleFeed
  /** The local engine's loopback address of a decky (undefined on Docker, where its LAN IP answers). */
  localAddressOf: (name: string) => string | undefined
  /** The local engine as last pinged by the workers (requests never wait on Docker for it). */
  localEngine: () => LocalEngineState
  /** The local host's decky LAN until an INI or setting replaces it. */
  defaultNetwork: FleetNetwork
  /** Seals secrets at rest; absent without DECNET_SECRET_KEY (hosts cannot be enrolled then). */
  secrets: SecretBox | undefined
  version: string
  startedAt: Date
}

export type SessionUser = {
  id: string
  username: string
  role: 'admin' | 'viewer'
  mustChangePassword: boolean
  createdAt: Date
}

export type Session = {
  user: SessionUser
  jti: string
  /** When the token was issued (bulk revocation ends tokens issued before the user's tokensValidFrom). */
  issuedAtMs: number
  expiresAt: Date
}

export type ApiContext = {
  services: ApiServices
  session: Session | null
  /** The peer address (the web console forwards the browser's as X-Forwarded-For from loopback). */
  clientIp: string
  /** Adds a Set-Cookie header to the response (login, logout, password change). */
  setCookie: (cookie: string) => void
  secureCookies: boolean
}

function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim()
  return readCookie(req.headers.cookie, SESSION_COOKIE)
}

/** X-Forwarded-For is trusted only from loopback, where our own web console proxies. */
export function clientIpOf(req: IncomingMessage): string {
  const peer = (req.socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '')
  const forwarded = req.headers['x-forwarded-for']
  if ((peer === '127.0.0.1' || peer === '::1') && typeof forwarded === 'string' && forwarded) {
    return forwarded
      .split(',')[0]!
      .trim()
      .replace(/^::ffff:/, '')
  }
  return peer
}

/** Resolves a token to a live session: signature, expiry, revocation and bulk revocation all checked. */
export async function resolveSession(
  services: ApiServices,
  token: string | undefined,
): Promise<Session | null> {
  if (!token || token.length > 4096) return null
  const claims = await services.tokens.verify(token)
  if (!claims) return null
  const user = await services.db.users.findById(claims.userId)
  if (!user) return null
  if (user.tokensValidFrom && claims.issuedAtMs < user.tokensValidFrom.getTime()) return null
  if (await services.db.tokens.isRevoked(claims.jti)) return null
  const { id, username, role, mustChangePassword, createdAt } = user
  return {
    user: { id, username, role, mustChangePassword, createdAt },
    jti: claims.jti,
    issuedAtMs: claims.issuedAtMs,
    expiresAt: claims.expiresAt,
  }
}

export async function createContext(
  services: ApiServices,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<ApiContext> {
  return {
    services,
    session: await resolveSession(services, bearerToken(req)),
    clientIp: clientIpOf(req),
    secureCookies: services.config.secureCookies,
    setCookie: (cookie) => {
      const existing = res.getHeader('Set-Cookie')
      const list = Array.isArray(existing) ? existing : existing ? [String(existing)] : []
      res.setHeader('Set-Cookie', [...list, cookie])
    },
  }
}
