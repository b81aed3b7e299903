import type { IncomingMessage, ServerResponse } from 'node:http'
import type { EngineKind, Role } from '@decnet/core'
import type { DecnetDatabase as Database } from '@decnet/db'
import type { Bus } from '@decnet/lifecycle'
import type Docker from 'dockerode'
import { isApiToken, resolveApiTokenSession } from './auth/api-tokens.ts'
import { clientIpOf, type ProxyTrust } from './auth/client-ip.ts'
import { clearedSessionCookie, readCookie, SESSION_COOKIE } from './auth/cookies.ts'
import type { LoginThrottle } from './auth/login-throttle.ts'
import type { RateLimiter } from './auth/rate-limit.ts'
import type { SessionTokenIssuer } from './auth/session-token.ts'
import type { ApiConfig } from './config.ts'
import type { ExportTicketIssuer } from './exports/ticket.ts'
import type { LifecycleFeed } from './fleet/lifecycle-feed.ts'
import type { IncidentFeed } from './incidents/incident-feed.ts'
import type { OperationsMetrics } from './metrics/operations-metrics.ts'
import type { SecretBox } from './secrets/secret-box.ts'
import type { FleetNetwork } from './settings/network.ts'
import type { LocalEngineState } from './workers/local-engine-watch.ts'

/** What procedures need from the lifecycle runner: a nudge that new rows are pending. */
export type RunnerHandle = { wake(): void }

/** What procedures need from the enrolled hosts' workers: start a just-enrolled host's at once. */
export type HostsHandle = { sync(): Promise<void> }

/** What procedures need from the image rollout worker: a nudge that a rollout was queued. */
export type ImagesHandle = { wake(): void }

/** What procedures need from the alert delivery worker: a nudge that a delivery was enqueued. */
export type AlertsHandle = { wake(): void }

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
  /** Single-use download tickets of exports.* (GET /exports/<ticket>). */
  exportTickets: ExportTicketIssuer
  /** Which peers' X-Forwarded-For is believed (DECNET_TRUSTED_PROXIES). */
  proxyTrust: ProxyTrust
  limits: {
    login: LoginThrottle
    searchPerUser: RateLimiter
  }
  /** Which engine this process drives: decided once at start-up (auto → docker if reachable). */
  engine: EngineKind
  runner: RunnerHandle
  reconciler: ReconcilerHandle
  hosts: HostsHandle
  alerts: AlertsHandle
  images: ImagesHandle
  lifecycleFeed: LifecycleFeed
  /** The one shared poller of new incidents (incidents.onNew). */
  incidentFeed: IncidentFeed
  /** The local engine's loopback address of a decky (undefined on Docker, where its LAN IP answers). */
  localAddressOf: (name: string) => string | undefined
  /** The local engine as last pinged by the workers (requests never wait on Docker for it). */
  localEngine: () => LocalEngineState
  /** The local host's decky LAN until an INI or setting replaces it. */
  defaultNetwork: FleetNetwork
  /** The Prometheus registry behind GET /metrics. */
  metrics: OperationsMetrics
  /** Seals secrets at rest; absent without DECNET_SECRET_KEY (no hosts enrolled, no channel secrets stored then). */
  secrets: SecretBox | undefined
  version: string
  startedAt: Date
}

export type SessionUser = {
  id: string
  username: string
  role: Role
  mustChangePassword: boolean
  createdAt: Date
}

export type Session = {
  user: SessionUser
  jti: string
  /** When the token was issued (bulk revocation ends tokens issued before the user's tokensValidFrom). */
  issuedAtMs: number
  expiresAt: Date
  /** Set when the caller is an integration's API token (its user is the token's principal, no person). */
  apiTokenId?: string
}

export type ApiContext = {
  services: ApiServices
  session: Session | null
  /** The caller's address: the peer, or what a trusted proxy (the console) forwarded as the client. */
  clientIp: string
  /** Adds a Set-Cookie header to the response (login, logout, password change). */
  setCookie: (cookie: string) => void
  secureCookies: boolean
}

/** The token a request carries: a Bearer header, else the session cookie (a malformed one is flagged). */
export function requestToken(req: IncomingMessage): { token: string | undefined; malformedCookie: boolean } {
  const header = req.headers.authorization
  if (header?.startsWith('Bearer '))
    return { token: header.slice('Bearer '.length).trim(), malformedCookie: false }
  const cookie = readCookie(req.headers.cookie, SESSION_COOKIE)
  return {
    token: cookie.kind === 'value' ? cookie.value : undefined,
    malformedCookie: cookie.kind === 'malformed',
  }
}

/** Resolves a token to a live session: signature, expiry, revocation and bulk revocation all checked. */
export async function resolveSession(
  services: ApiServices,
  token: string | undefined,
): Promise<Session | null> {
  if (!token || token.length > 4096) return null
  if (isApiToken(token)) return resolveApiTokenSession(services, token)
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

/** What one call brings besides its services: its token, its caller's address, where cookies go. */
export type CallOrigin = {
  token: string | undefined
  clientIp: string
  setCookie: (cookie: string) => void
}

/** The context of one call, however it arrived (an HTTP request, or an in-process caller in tests). */
export async function contextFor(services: ApiServices, origin: CallOrigin): Promise<ApiContext> {
  return {
    services,
    session: await resolveSession(services, origin.token),
    clientIp: origin.clientIp,
    secureCookies: services.config.secureCookies,
    setCookie: origin.setCookie,
  }
}

export async function createContext(
  services: ApiServices,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<ApiContext> {
  const setCookie = (cookie: string) => {
    const existing = res.getHeader('Set-Cookie')
    const list = Array.isArray(existing) ? existing : existing ? [String(existing)] : []
    res.setHeader('Set-Cookie', [...list, cookie])
  }
  const { token, malformedCookie } = requestToken(req)
  // A cookie we cannot even decode is ignored and expired, so the browser stops sending it.
  if (malformedCookie) setCookie(clearedSessionCookie(services.config.secureCookies))
  return contextFor(services, { token, clientIp: clientIpOf(req, services.proxyTrust), setCookie })
}
