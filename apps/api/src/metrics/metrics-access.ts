// Who may scrape /metrics: a peer on the allowed addresses (DECNET_METRICS_ALLOW, default loopback)
// without credentials, anyone else only with the scrape token (DECNET_METRICS_TOKEN) or an admin's
// bearer token. The peer is the TCP peer, or what a trusted proxy forwarded (DECNET_TRUSTED_PROXIES).
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import proxyaddr from 'proxy-addr'
import { clientIpOf } from '../auth/client-ip.ts'
import { type ApiServices, resolveSession } from '../context.ts'

function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest()
  return timingSafeEqual(digest(given), digest(expected))
}

export type MetricsVerdict = 'allowed' | 'unauthenticated' | 'forbidden'

export function metricsGate(services: ApiServices): (req: IncomingMessage) => Promise<MetricsVerdict> {
  const allowed = proxyaddr.compile(services.config.metrics.allow)
  const scrapeToken = services.config.metrics.token
  return async (req) => {
    if (allowed(clientIpOf(req, services.proxyTrust), 0)) return 'allowed'
    const header = req.headers.authorization
    if (!header?.startsWith('Bearer ')) return 'unauthenticated'
    const token = header.slice('Bearer '.length).trim()
    if (scrapeToken && sameSecret(token, scrapeToken)) return 'allowed'
    const session = await resolveSession(services, token)
    if (!session) return 'unauthenticated'
    return session.user.role === 'admin' && !session.user.mustChangePassword ? 'allowed' : 'forbidden'
  }
}
