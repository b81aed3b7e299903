import http from 'node:http'
import https from 'node:https'
import type { AddressInfo, Server } from 'node:net'
import { MAX_BATCH_CALLS } from '@decnet/core'
import { createHTTPHandler } from '@trpc/server/adapters/standalone'
import { ARTIFACT_FILES_PATH } from './artifacts/artifacts.ts'
import { serveArtifact } from './artifacts/download.ts'
import { type ApiServices, createContext } from './context.ts'
import { EXPORTS_PATH, serveExport } from './exports/download.ts'
import { METRICS_PATH, metricsEndpoint } from './metrics/metrics-endpoint.ts'
import { appRouter } from './router.ts'
import { HSTS_HEADER_VALUE, type TlsPair } from './tls/tls-pair.ts'

/** Largest request body accepted (an INI is at most 512 KiB; JSON escaping can nearly double it). */
export const MAX_BODY_BYTES = 1024 * 1024

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
}

/** The API's HTTP server; with `tls`, an HTTPS server sending HSTS. */
export function createApiServer(services: ApiServices, tls?: TlsPair): http.Server | https.Server {
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: MAX_BODY_BYTES,
    // A larger batch is refused whole (BAD_REQUEST) before any call runs: batching must not multiply
    // what one request may cost (a batch of logins once carried ~1,400 password hashes).
    maxBatchSize: MAX_BATCH_CALLS,
    // Queries may come as POST (the console sends them so): an INI under preview, with its secret
    // service settings, then never sits in a URL, and long INIs do not hit header limits.
    allowMethodOverride: true,
    createContext: ({ req, res }) => createContext(services, req, res),
  })
  const scrapeMetrics = metricsEndpoint(services)
  const handle: http.RequestListener = (req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value)
    if (tls) res.setHeader('Strict-Transport-Security', HSTS_HEADER_VALUE)
    // The console proxies same-origin; only its configured origin may call cross-origin (with cookies).
    if (req.headers.origin === services.config.webOrigin) {
      res.setHeader('Access-Control-Allow-Origin', services.config.webOrigin)
      res.setHeader('Access-Control-Allow-Credentials', 'true')
      res.setHeader('Vary', 'Origin')
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS')
        res.setHeader(
          'Access-Control-Allow-Headers',
          'content-type, authorization, last-event-id, trpc-accept',
        )
        res.statusCode = 204
        res.end()
        return
      }
    }
    if (req.url?.startsWith('/trpc/')) {
      trpcHandler(req, res)
      return
    }
    if (req.url?.split('?')[0] === METRICS_PATH) {
      scrapeMetrics(req, res).catch((error: unknown) => {
        console.error('decnet api: metrics scrape failed:', error)
        if (!res.headersSent) res.statusCode = 500
        res.end()
      })
      return
    }
    if (req.url?.startsWith(EXPORTS_PATH)) {
      serveExport(services, req, res).catch((error: unknown) => {
        console.error('decnet api: export failed:', error)
        if (!res.headersSent) res.statusCode = 500
        res.destroy()
      })
      return
    }
    if (req.url?.startsWith(ARTIFACT_FILES_PATH)) {
      serveArtifact(services, req, res).catch((error: unknown) => {
        console.error('decnet api: artifact download failed:', error)
        if (!res.headersSent) res.statusCode = 500
        res.destroy()
      })
      return
    }
    res.statusCode = 404
    res.setHeader('Content-Type', 'application/json')
    res.end(
      JSON.stringify({
        error:
          'not found: the API is served under /trpc/ (downloads under /exports/ and /artifact-files/, metrics at /metrics)',
      }),
    )
  }
  const server = tls
    ? https.createServer({ cert: tls.cert, key: tls.key }, handle)
    : http.createServer(handle)
  // Node closes idle keep-alive sockets after 5 s, about when a client reuses one: under load the
  // request then meets a closed socket ("other side closed"). Clients close theirs first this way.
  server.keepAliveTimeout = 65_000
  server.headersTimeout = 66_000
  return server
}

export async function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  return server.address() as AddressInfo
}
