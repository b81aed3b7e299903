import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { SecureContextOptions } from 'node:tls'
import type { EmulatorContext } from '../emulator.ts'
import { type Fields, listenTcp, type TcpListener, type TcpSession } from './tcp.ts'

/** A request as emulators see it: body already read, capped and decoded. */
export type HttpRequest = {
  method: string
  /** Path with query string, as sent. */
  url: string
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: string
  bodyBytes: number
  bodyTruncated: boolean
  tls: boolean
  session: TcpSession
}

export type HttpReply = {
  status: number
  headers?: Record<string, string | string[]>
  body?: string | Buffer
  /** Extra fields for the `request` event (e.g. the parsed query of a search API). */
  fields?: Fields
}

export type HttpServiceOptions = {
  ctx: EmulatorContext
  ports: number[]
  /** Which entries of `ports` (by index) speak TLS, with the identity to use. */
  tls?: { onPort(index: number): boolean; identity: SecureContextOptions }
  /** Headers on every response unless the reply overrides them (e.g. `Server`). */
  defaultHeaders?: Record<string, string>
  /**
   * Final say on response headers and their order (a server's header order is a fingerprint;
   * Node's own is not any real web server's). Receives the merged headers plus the connection
   * facts; whatever it returns is sent in that order, so it should include Date, Content-Length
   * and Connection.
   */
  arrangeHeaders?: (
    headers: Record<string, string | string[]>,
    facts: ResponseFacts,
  ) => [string, string | string[]][]
  /** Body bytes kept for the handler and the event; the rest is drained and counted (default 64 KiB). */
  maxBodyBytes?: number
  handle(request: HttpRequest): HttpReply | Promise<HttpReply>
}

export type ResponseFacts = { keepAlive: boolean; contentLength: number; date: string }

/** First characters of a body recorded in the `request` event (as DECNET does). */
export const BODY_EXCERPT_CHARS = 512
/** A body beyond this is refused with 413 and the connection closed. */
const MAX_DRAINED_BODY_BYTES = 8 * 1024 * 1024

/**
 * HTTP(S) on top of `listenTcp` (connection limits, idle reaping, connect/disconnect events):
 * node:http parses the stream with tight header and timing limits, every request becomes one
 * `request` event with method, path, user agent, headers and a body excerpt.
 */
export async function listenHttp(options: HttpServiceOptions): Promise<TcpListener[]> {
  const { ctx } = options
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024
  const sessions = new WeakMap<object, TcpSession>()
  const server = createServer(
    { maxHeaderSize: 16 * 1024, headersTimeout: 15_000, requestTimeout: 30_000, keepAliveTimeout: 5_000 },
    (req, res) => {
      const session = sessions.get(req.socket)
      if (!session) {
        res.destroy()
        return
      }
      // Anything unforeseen (say, a configured header Node refuses) costs the request, not the process.
      serve(req, res, session).catch(() => res.destroy())
    },
  )
  server.on('clientError', (error: Error & { code?: string }, socket) => {
    // Not HTTP at all, or hostile framing (oversized headers, bad chunking): a probe worth recording.
    sessions.get(socket)?.emit('scan', { reason: 'malformed_http', error: error.code ?? 'parse_error' })
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
    else socket.destroy()
  })

  async function serve(req: IncomingMessage, res: ServerResponse, session: TcpSession): Promise<void> {
    const chunks: Buffer[] = []
    let kept = 0
    let total = 0
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        total += chunk.length
        if (total > MAX_DRAINED_BODY_BYTES) {
          res.writeHead(413, { Connection: 'close' }).end()
          req.socket.destroy()
          return
        }
        if (kept < maxBodyBytes) {
          const piece = chunk.subarray(0, maxBodyBytes - kept)
          chunks.push(piece)
          kept += piece.length
        }
      }
    } catch {
      return
    }
    const url = req.url ?? '/'
    const parsed = new URL(url.startsWith('/') ? url : `/${url}`, 'http://decoy.invalid')
    const request: HttpRequest = {
      method: req.method ?? 'GET',
      url,
      path: parsed.pathname,
      query: parsed.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      bodyBytes: total,
      bodyTruncated: total > kept,
      tls: 'encrypted' in req.socket,
      session,
    }
    let reply: HttpReply
    try {
      reply = await options.handle(request)
    } catch {
      reply = { status: 500, body: '' }
    }
    session.emit('request', {
      method: request.method,
      path: url,
      host: req.headers.host ?? null,
      user_agent: req.headers['user-agent'] ?? null,
      headers: JSON.stringify(req.headers),
      body: request.body.slice(0, BODY_EXCERPT_CHARS),
      body_bytes: total,
      status: reply.status,
      tls: request.tls,
      ...reply.fields,
    })
    if (res.destroyed) return
    const headers = { ...options.defaultHeaders, ...reply.headers }
    const facts: ResponseFacts = {
      keepAlive: res.shouldKeepAlive,
      contentLength: reply.body === undefined ? 0 : Buffer.byteLength(reply.body),
      date: new Date().toUTCString(),
    }
    const arranged = options.arrangeHeaders ? options.arrangeHeaders(headers, facts) : Object.entries(headers)
    for (const [name, value] of arranged) res.setHeader(name, value)
    res.statusCode = reply.status
    res.end(request.method === 'HEAD' ? undefined : reply.body)
  }

  return Promise.all(
    options.ports.map((port, index) =>
      listenTcp({
        ctx,
        port,
        ...(options.tls?.onPort(index) ? { tls: options.tls.identity } : {}),
        handle: (session) => {
          sessions.set(session.socket, session)
          server.emit('connection', session.socket)
          return undefined
        },
      }),
    ),
  )
}

/** Parses `extra_headers`: a JSON object, or raw `Name: value` lines (as the catalogue allows). */
export function parseExtraHeaders(text: string | undefined): Record<string, string> {
  if (!text?.trim()) return {}
  const headers: Record<string, string> = {}
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      for (const [name, value] of Object.entries(parsed)) {
        if (isHeaderName(name)) headers[name] = String(value).replace(/[\r\n]/g, ' ')
      }
      return headers
    }
  } catch {
    // Not JSON: fall through to header lines.
  }
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = line.slice(0, colon).trim()
    if (isHeaderName(name)) headers[name] = line.slice(colon + 1).trim()
  }
  return headers
}

function isHeaderName(name: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) && name.length <= 128
}
