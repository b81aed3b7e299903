// The console's HTTP server: Next.js behind a front door of our own, because only here is the
// browser's real address known (Next's route handlers never see the socket, and `next start` passes
// on a forwarding header the browser wrote). Every forwarding header a client sends is dropped;
// the client's address travels to the /trpc proxy in CLIENT_ADDRESS_HEADER, which the proxy sends
// to the API as X-Forwarded-For (the API believes it from DECNET_TRUSTED_PROXIES, default loopback).
// That address is the TCP peer, unless the peer is a reverse proxy named in
// DECNET_WEB_TRUSTED_PROXIES (default none): then X-Forwarded-For is walked past the trusted hops.
//
// HTTPS: with DECNET_TLS_CERT and DECNET_TLS_KEY (PEM files; `decnet tls generate` makes a
// self-signed pair) the console serves TLS and every response carries HSTS; with
// DECNET_HTTP_REDIRECT_PORT a plain-HTTP listener there redirects every request to HTTPS.
import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import next from 'next'
import proxyaddr from 'proxy-addr'

/** Internal header from this server to the /trpc route handler; a client's own copy is dropped. */
const CLIENT_ADDRESS_HEADER = 'x-decnet-client-address'
const CLIENT_SUPPLIED = ['forwarded', 'x-forwarded-for', 'x-real-ip', CLIENT_ADDRESS_HEADER]
/** Same value as the API's (apps/api/src/tls/tls-pair.ts): a year, this host only. */
const HSTS = 'max-age=31536000'

const port = Number(process.env.DECNET_WEB_PORT || 3000)
const hostname = process.env.DECNET_WEB_HOST || '127.0.0.1'
const redirectPort = Number(process.env.DECNET_HTTP_REDIRECT_PORT || 0)
const tls = tlsPair(process.env.DECNET_TLS_CERT, process.env.DECNET_TLS_KEY)
const proxyTrust = trustedProxies(process.env.DECNET_WEB_TRUSTED_PROXIES)

function tlsPair(certFile, keyFile) {
  if (!certFile && !keyFile) return undefined
  if (!certFile || !keyFile)
    throw new Error('DECNET_TLS_CERT and DECNET_TLS_KEY go together: set both or neither')
  const cert = readFileSync(certFile, 'utf8')
  return { cert, key: readFileSync(keyFile, 'utf8'), fingerprint: new X509Certificate(cert).fingerprint256 }
}

/** DECNET_WEB_TRUSTED_PROXIES: IPs, CIDRs or `loopback`, comma-separated; unset or `none` trusts none. */
function trustedProxies(raw) {
  const entries = (raw ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry && entry !== 'none')
  return proxyaddr.compile(entries)
}

const app = next({ dev: false, dir: path.dirname(fileURLToPath(import.meta.url)), hostname, port })
const handle = app.getRequestHandler()
await app.prepare()

function serve(req, res) {
  // The client's address is decided before the client's own forwarding headers are dropped.
  const client = (proxyaddr(req, proxyTrust) ?? '').replace(/^::ffff:/, '')
  for (const name of CLIENT_SUPPLIED) delete req.headers[name]
  if (client) req.headers[CLIENT_ADDRESS_HEADER] = client
  if (tls) res.setHeader('Strict-Transport-Security', HSTS)
  handle(req, res)
}

/** Host names and addresses only (no userinfo, path or scheme): the redirect never leaves this host's name. */
const HOST_HEADER = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d+)?$/

function redirectToHttps(req, res) {
  const match = HOST_HEADER.exec(req.headers.host ?? '')
  if (!match) {
    res.statusCode = 400
    res.end('bad Host header\n')
    return
  }
  const authority = port === 443 ? match[1] : `${match[1]}:${port}`
  res.statusCode = 308
  res.setHeader('Location', `https://${authority}${req.url ?? '/'}`)
  res.end()
}

const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, serve) : http.createServer(serve)
// Node closes an idle keep-alive socket after 5 s, about the pause between two clicks: a request
// sent on it as it closes is lost ("Failed to fetch"). Idle sockets outlive an operator's pauses.
server.keepAliveTimeout = 65_000
server.headersTimeout = 66_000
server.listen(port, hostname, () => {
  console.log(`decnet console listening on ${tls ? 'https' : 'http'}://${hostname}:${port}`)
  if (tls) console.log(`decnet console TLS certificate SHA-256 fingerprint ${tls.fingerprint}`)
})
const redirector = tls && redirectPort ? http.createServer(redirectToHttps) : undefined
redirector?.listen(redirectPort, hostname, () => {
  console.log(`decnet console redirecting http://${hostname}:${redirectPort} to HTTPS`)
})
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    redirector?.close()
    server.close()
    server.closeAllConnections()
    app.close().finally(() => process.exit(0))
  })
}
