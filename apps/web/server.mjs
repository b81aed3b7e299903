// The console's HTTP server: Next.js behind a front door of our own, because only here is the
// browser's real address known (Next's route handlers never see the socket, and `next start` passes
// on a forwarding header the browser wrote). Every forwarding header a client sends is dropped;
// the peer this server saw travels to the /trpc proxy in CLIENT_ADDRESS_HEADER, which the proxy
// sends to the API as X-Forwarded-For (the API believes it from DECNET_TRUSTED_PROXIES, default loopback).
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import next from 'next'

/** Internal header from this server to the /trpc route handler; a client's own copy is dropped. */
const CLIENT_ADDRESS_HEADER = 'x-decnet-client-address'
const CLIENT_SUPPLIED = ['forwarded', 'x-forwarded-for', 'x-real-ip', CLIENT_ADDRESS_HEADER]

const port = Number(process.env.DECNET_WEB_PORT || 3000)
const hostname = process.env.DECNET_WEB_HOST || '127.0.0.1'
const app = next({ dev: false, dir: path.dirname(fileURLToPath(import.meta.url)), hostname, port })
const handle = app.getRequestHandler()
await app.prepare()

const server = http.createServer((req, res) => {
  for (const name of CLIENT_SUPPLIED) delete req.headers[name]
  const peer = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '')
  if (peer) req.headers[CLIENT_ADDRESS_HEADER] = peer
  handle(req, res)
})
server.listen(port, hostname, () => {
  console.log(`decnet console listening on http://${hostname}:${port}`)
})
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close()
    server.closeAllConnections()
    app.close().finally(() => process.exit(0))
  })
}
