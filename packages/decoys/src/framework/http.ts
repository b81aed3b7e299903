import { createHash, type Hash } from 'node:crypto'
import type { SecureContextOptions } from 'node:tls'
import type { EmulatorContext } from '../emulator.ts'
import { httpRequestFingerprintFields } from '../fingerprints/fields.ts'
import { type ArtifactUpload, startUpload } from './artifact-gateway.ts'
import {
  chunkedDecoder,
  type HeadLimits,
  type ParsedHead,
  parseHead,
  type RequestProblem,
} from './http-parser.ts'
import { type Fields, listenTcp, type TcpHandler, type TcpListener, type TcpSession } from './tcp.ts'

export type { RequestProblem } from './http-parser.ts'

export type HttpVersion = ParsedHead['version']

/** A request as emulators see it: body already read, capped and decoded. */
export type HttpRequest = {
  method: string
  /** Path with query string, as sent. */
  url: string
  path: string
  query: URLSearchParams
  version: HttpVersion
  /** Lower-cased names, repeated headers joined. */
  headers: Record<string, string | undefined>
  rawHeaders: [string, string][]
  body: string
  bodyBytes: number
  bodyTruncated: boolean
  tls: boolean
  session: TcpSession
  /** Requests already answered on this connection (Apache's `Keep-Alive: max=` counts down with it). */
  sequence: number
}

export type HttpHeaders = Record<string, string | string[]>

export type HttpReply = {
  status: number
  headers?: HttpHeaders
  body?: string | Buffer
  /** Extra fields for the `request` event (e.g. the parsed query of a search API). */
  fields?: Fields
  /** Close the connection after this reply whatever keep-alive says. */
  close?: boolean
  /** Reason phrase when the server words it its own way (Go: `400 Bad Request: missing required Host header`). */
  reason?: string
}

/** What a dialect knows when it lays out a response's headers. */
export type ResponseFacts = {
  /** Undefined for the answer to a request that could not be parsed. */
  request: HttpRequest | undefined
  status: number
  keepAlive: boolean
  /** Requests this connection may still carry after this one (for `Keep-Alive: max=`). */
  remainingRequests: number
  contentLength: number
  /** RFC 7231 date of this response (a fresh one per response). */
  date: string
  localPort: number
}

export type RejectContext = {
  /** What could be read of the request line and headers before the problem. */
  head: Partial<ParsedHead> | undefined
  localPort: number
  session: TcpSession
}

/**
 * How one server product speaks HTTP on the wire: limits, keep-alive policy, the status line, the
 * order and spelling of its headers, and its own answers to requests it refuses. Node's answers
 * (bare `400 Bad Request`, `Keep-Alive: timeout=5`) are no real server's; every server here has one.
 */
export type HttpDialect = {
  limits: HeadLimits
  /** Serve HTTP/0.9 simple requests (`GET /`) with a bare body (Apache, nginx), or refuse them. */
  http09: boolean
  /** Idle time allowed between requests on a kept-alive connection. */
  keepAliveTimeoutMs: number
  /** Time allowed for a request head to arrive (partial heads then get `reject('timeout')`). */
  headerTimeoutMs: number
  /** Requests per connection; 0 = unlimited. */
  maxRequestsPerConnection: number
  /** Largest request body the server takes before answering `body_too_large` (nginx: 1 MiB). */
  maxRequestBodyBytes?: number
  /** Whether the server takes this method at all (nginx: upper-case letters and `_` only). */
  acceptsMethod?(method: string): boolean
  /** The server's own answer to a request it refuses; undefined closes without a word. */
  reject(problem: RequestProblem, context: RejectContext): HttpReply | undefined
  statusLine(status: number, version: HttpVersion, reason?: string): string
  /** Headers in the server's order and spelling, including Date/Content-Length/Connection as it sends them. */
  arrange(headers: HttpHeaders, facts: ResponseFacts): [string, string | string[]][]
}

export type HttpServiceOptions = {
  ctx: EmulatorContext
  ports: number[]
  /** Which entries of `ports` (by index) speak TLS, with the options to use (see `tlsOptionsFor`). */
  tls?: { onPort(index: number): boolean; identity: SecureContextOptions }
  /** The server product's wire behaviour; defaults to `minimalDialect` (a bare embedded server). */
  dialect?: HttpDialect
  /** Headers on every response unless the reply overrides them (e.g. `Server`). */
  defaultHeaders?: Record<string, string>
  /** Body bytes kept for the handler and the event; the rest is drained and counted (default 64 KiB). */
  maxBodyBytes?: number
  handle(request: HttpRequest): HttpReply | Promise<HttpReply>
}

/** First characters of a body recorded in the `request` event (as DECNET does). */
export const BODY_EXCERPT_CHARS = 512
/** A body beyond this is refused (`body_too_large`) and the connection closed. */
const MAX_DRAINED_BODY_BYTES = 8 * 1024 * 1024
/** Bytes buffered ahead of the request being answered (pipelining) before reading stops. */
const MAX_BUFFERED_BYTES = 256 * 1024
/** Statuses after which Apache, nginx and HTTP.sys all drop the connection. */
const CLOSING_STATUSES = new Set([400, 408, 411, 413, 414, 431, 500, 501, 503, 505])

export const STATUS_REASONS: Record<number, string> = {
  100: 'Continue',
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  206: 'Partial Content',
  301: 'Moved Permanently',
  302: 'Found',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  411: 'Length Required',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Requested Range Not Satisfiable',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  505: 'HTTP Version Not Supported',
}

/** `Thu, 03 Dec 2026 12:00:00 GMT`, taken at each response. */
export const httpDate = (date = new Date()) => date.toUTCString()

/**
 * HTTP(S) on top of `listenTcp` (connection limits, idle reaping, connect/disconnect events) with
 * the parser above: every request becomes one `request` event with method, path, user agent,
 * headers and a body excerpt; every refused one a `scan` event naming the problem.
 */
export async function listenHttp(options: HttpServiceOptions): Promise<TcpListener[]> {
  const dialect = options.dialect ?? minimalDialect(options.defaultHeaders?.Server)
  return Promise.all(
    options.ports.map((port, index) =>
      listenTcp({
        ctx: options.ctx,
        port,
        ...(options.tls?.onPort(index) ? { tls: options.tls.identity } : {}),
        handle: (session) => httpConnection(session, options, dialect),
      }),
    ),
  )
}

type BodyState = {
  head: ParsedHead
  chunks: Buffer[]
  kept: number
  total: number
  remaining: number
  decoder: ReturnType<typeof chunkedDecoder> | undefined
  /** The whole body (up to the drain cap) streamed to the artifact store, and its hash for the event. */
  upload: ArtifactUpload
  hash: Hash
}

function httpConnection(session: TcpSession, options: HttpServiceOptions, dialect: HttpDialect): TcpHandler {
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024
  const bodyLimit = Math.min(dialect.maxRequestBodyBytes ?? MAX_DRAINED_BODY_BYTES, MAX_DRAINED_BODY_BYTES)
  const socket = session.socket
  const localPort = socket.localPort ?? 0
  const tls = 'encrypted' in socket
  let buffer: Buffer = Buffer.alloc(0)
  let body: BodyState | undefined
  let busy = false
  let closed = false
  let served = 0
  let timer: NodeJS.Timeout | undefined

  const arm = (ms: number) => {
    clearTimeout(timer)
    timer = setTimeout(onTimeout, ms)
    timer.unref()
  }
  const onTimeout = () => {
    if (closed || busy) return
    if (buffer.length === 0 && !body) {
      close()
      return
    }
    refuse('timeout', undefined)
  }
  const close = () => {
    closed = true
    clearTimeout(timer)
    session.end()
  }
  arm(dialect.headerTimeoutMs)

  const send = (
    reply: HttpReply,
    request: HttpRequest | undefined,
    version: HttpVersion,
    keepAlive: boolean,
  ) => {
    const bodyBytes =
      reply.body === undefined
        ? Buffer.alloc(0)
        : Buffer.isBuffer(reply.body)
          ? reply.body
          : Buffer.from(reply.body)
    const maximum = dialect.maxRequestsPerConnection
    const facts: ResponseFacts = {
      request,
      status: reply.status,
      keepAlive,
      remainingRequests: maximum > 0 ? Math.max(0, maximum - served) : Number.POSITIVE_INFINITY,
      contentLength: bodyBytes.length,
      date: httpDate(),
      localPort,
    }
    const bare = request?.method === 'HEAD' || reply.status === 204 || reply.status === 304
    if (version === '0.9') {
      session.write(bodyBytes)
      return
    }
    const headers = { ...options.defaultHeaders, ...reply.headers }
    const lines = [dialect.statusLine(reply.status, version, reply.reason)]
    for (const [name, value] of dialect.arrange(headers, facts)) {
      // 204/304 carry no body and no length, whoever the server is.
      if ((reply.status === 204 || reply.status === 304) && name.toLowerCase() === 'content-length') continue
      for (const one of Array.isArray(value) ? value : [value]) lines.push(`${clean(name)}: ${clean(one)}`)
    }
    const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')
    session.write(bare ? head : Buffer.concat([head, bodyBytes]))
  }

  /** Answers a request the server cannot parse the way the dialect's server does, then closes. */
  const refuse = (problem: RequestProblem, head: Partial<ParsedHead> | undefined) => {
    session.emit('scan', { reason: 'malformed_http', error: problem })
    const reply = dialect.reject(problem, { head, localPort, session })
    if (reply) send(reply, undefined, head?.version === '1.1' ? '1.1' : '1.0', false)
    buffer = Buffer.alloc(0)
    body = undefined
    close()
  }

  const dispatch = async (head: ParsedHead, state: BodyState | undefined) => {
    busy = true
    clearTimeout(timer)
    const parsed = new URL(head.url.startsWith('/') ? head.url : `/${head.url}`, 'http://decoy.invalid')
    let path = head.url === '*' ? '*' : parsed.pathname
    if (/^https?:\/\//i.test(head.url)) {
      try {
        path = new URL(head.url).pathname
      } catch {
        // Kept as parsed above.
      }
    }
    const kept = state ? Buffer.concat(state.chunks) : Buffer.alloc(0)
    if (state) void state.upload.end()
    const bodySha256 = state && state.total > 0 ? state.hash.digest('hex') : undefined
    const request: HttpRequest = {
      method: head.method,
      url: head.url,
      path,
      query: parsed.searchParams,
      version: head.version,
      headers: head.headers,
      rawHeaders: head.rawHeaders,
      body: kept.toString('utf8'),
      bodyBytes: state?.total ?? 0,
      bodyTruncated: (state?.total ?? 0) > kept.length,
      tls,
      session,
      sequence: served,
    }
    let reply: HttpReply
    try {
      reply = await options.handle(request)
    } catch {
      reply = { status: 500, body: '', close: true }
    }
    session.emit('request', {
      method: request.method,
      path: request.url,
      host: request.headers.host ?? null,
      user_agent: request.headers['user-agent'] ?? null,
      ...httpRequestFingerprintFields(request),
      headers: JSON.stringify(request.headers),
      body: request.body.slice(0, BODY_EXCERPT_CHARS),
      body_bytes: request.bodyBytes,
      ...(bodySha256 ? { sha256: bodySha256 } : {}),
      status: reply.status,
      tls,
      ...reply.fields,
    })
    if (closed || socket.destroyed) return
    const connection = (request.headers.connection ?? '').toLowerCase()
    const wanted =
      request.version === '1.1' ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection)
    const maximum = dialect.maxRequestsPerConnection
    const keepAlive =
      wanted &&
      request.version !== '0.9' &&
      !reply.close &&
      !CLOSING_STATUSES.has(reply.status) &&
      (maximum === 0 || served < maximum)
    send(reply, request, request.version, keepAlive)
    served++
    busy = false
    if (!keepAlive) {
      close()
      return
    }
    arm(dialect.keepAliveTimeoutMs)
    pump()
  }

  const pump = () => {
    while (!busy && !closed) {
      if (body) {
        if (!readBody(body)) return
        const done = body
        body = undefined
        void dispatch(done.head, done)
        return
      }
      if (buffer.length === 0) {
        if (socket.isPaused()) socket.resume()
        return
      }
      const result = parseHead(buffer, dialect.limits)
      if (result.kind === 'incomplete') {
        if (socket.isPaused()) socket.resume()
        return
      }
      if (result.kind === 'problem') {
        refuse(result.problem, result.head)
        return
      }
      const head = result.head
      buffer = buffer.subarray(result.consumed)
      if (head.version === '0.9' && !dialect.http09) {
        refuse('bad_request_line', head)
        return
      }
      if (dialect.acceptsMethod && !dialect.acceptsMethod(head.method)) {
        refuse('bad_method', head)
        return
      }
      if (head.body.kind === 'none') {
        void dispatch(head, undefined)
        return
      }
      if (head.body.kind === 'length' && head.body.length > bodyLimit) {
        refuse('body_too_large', head)
        return
      }
      if ((head.headers.expect ?? '').toLowerCase() === '100-continue' && head.version === '1.1') {
        session.write('HTTP/1.1 100 Continue\r\n\r\n')
      }
      body = {
        head,
        chunks: [],
        kept: 0,
        total: 0,
        remaining: head.body.kind === 'length' ? head.body.length : 0,
        decoder: head.body.kind === 'chunked' ? chunkedDecoder() : undefined,
        upload: startUpload('http_body', `${head.method} ${head.url}`.slice(0, 2048), session.ip),
        hash: createHash('sha256'),
      }
    }
  }

  /** Moves body bytes from the buffer into `state`; true once the body is complete. */
  const readBody = (state: BodyState): boolean => {
    const keep = (piece: Buffer) => {
      state.total += piece.length
      state.hash.update(piece)
      state.upload.write(piece)
      if (state.kept < maxBodyBytes) {
        const part = piece.subarray(0, maxBodyBytes - state.kept)
        state.chunks.push(Buffer.from(part))
        state.kept += part.length
      }
    }
    if (state.decoder) {
      const result = state.decoder.feed(buffer)
      buffer = Buffer.alloc(0)
      for (const piece of result.data) keep(piece)
      if (result.error) {
        refuse('bad_chunk', state.head)
        return false
      }
      if (state.total > bodyLimit) {
        refuse('body_too_large', state.head)
        return false
      }
      if (!result.done) return false
      buffer = Buffer.from(result.rest)
      return true
    }
    const piece = buffer.subarray(0, state.remaining)
    keep(piece)
    state.remaining -= piece.length
    buffer = buffer.subarray(piece.length)
    return state.remaining === 0
  }

  return {
    onData: (chunk) => {
      if (closed) return
      const starting = buffer.length === 0 && !body && !busy
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk
      // A peer pipelining faster than we answer waits: reading stops until the backlog is served.
      if (busy && buffer.length > MAX_BUFFERED_BYTES) socket.pause()
      if (starting) arm(dialect.headerTimeoutMs)
      pump()
    },
    onClose: () => {
      closed = true
      clearTimeout(timer)
    },
  }
}

/** Header names and values never carry line breaks, whatever a configuration holds. */
function clean(text: string): string {
  return text.replace(/[\r\n]+/g, ' ')
}

/** Everything but the named headers (compared case-insensitively), in their original order. */
export function otherHeaders(headers: HttpHeaders, taken: string[]): [string, string | string[]][] {
  const skip = new Set(taken.map((name) => name.toLowerCase()))
  return Object.entries(headers).filter(([name]) => !skip.has(name.toLowerCase()))
}

/** A header's value whatever the spelling it was given with. */
export function headerValue(headers: HttpHeaders, name: string): string | string[] | undefined {
  const lower = name.toLowerCase()
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value
  return undefined
}

/**
 * A small appliance web server (GoAhead/Boa/mini_httpd style): HTTP/1.0 answers, one request per
 * connection, a terse error page. The default for emulators that name no product.
 */
export function minimalDialect(server: string | undefined): HttpDialect {
  const page = (status: number) => {
    const title = `${status} ${STATUS_REASONS[status] ?? 'Error'}`
    return `<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>\n`
  }
  return {
    limits: { requestLine: 2048, headerLine: 2048, headerCount: 64 },
    http09: false,
    keepAliveTimeoutMs: 10_000,
    headerTimeoutMs: 30_000,
    maxRequestsPerConnection: 1,
    reject: (problem) =>
      problem === 'timeout'
        ? undefined
        : { status: 400, headers: { 'Content-Type': 'text/html' }, body: page(400) },
    statusLine: (status, _version, reason) =>
      `HTTP/1.0 ${status} ${reason ?? STATUS_REASONS[status] ?? 'Unknown'}`,
    arrange: (headers, facts) => [
      ...(server ? ([['Server', server]] as [string, string][]) : []),
      ['Date', facts.date],
      ...otherHeaders(headers, ['Server', 'Content-Length', 'Connection', 'Date']),
      ['Content-Length', String(facts.contentLength)],
      ['Connection', 'close'],
    ],
  }
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
