import type { Persona } from '@decnet/core'
import {
  type HttpDialect,
  type HttpHeaders,
  type HttpReply,
  type HttpRequest,
  type HttpVersion,
  headerValue,
  httpDate,
  minimalDialect,
  otherHeaders,
  type RejectContext,
  type RequestProblem,
  STATUS_REASONS,
} from '../../framework/http.ts'
import { seededRandom } from '../../framework/random.ts'
import { defaultPage } from './pages.ts'

export const WEB_PRODUCTS = ['apache', 'nginx', 'iis', 'lighttpd', 'embedded-web'] as const
export type WebProduct = (typeof WEB_PRODUCTS)[number]

/** A file as the server would serve it (its validators come from size and modification time). */
export type StaticFile = { body: Buffer; contentType: string; mtimeMs: number; status: number }

/**
 * One web server product as seen from the network: how it frames and refuses requests (dialect),
 * how it serves a file (validators, methods, OPTIONS), its error pages and default page.
 */
export type WebServer = {
  product: WebProduct
  /** The Server header. */
  banner: string
  dialect: HttpDialect
  /** The installed default document, served at `/`. */
  index: StaticFile
  serveFile(request: HttpRequest, file: StaticFile): HttpReply
  /** The server's own page for an error status (404, 403, 500 …) of this request. */
  errorPage(status: number, request: HttpRequest): HttpReply
}

export type WebServerFacts = {
  product: WebProduct
  banner: string
  version: string
  persona: Persona
}

const DAY_MS = 86_400_000
type Arranged = [string, string | string[]][]

/** Builds the server a persona's web service claims to run. */
export function webServer(facts: WebServerFacts): WebServer {
  switch (facts.product) {
    case 'apache':
      return apache(facts)
    case 'nginx':
      return nginx(facts)
    case 'iis':
      return iis(facts)
    case 'lighttpd':
      return lighttpd(facts)
    case 'embedded-web':
      return embedded(facts)
  }
}

/** The product a Server header names (operators may still set `server_header` by hand). */
export function productOfBanner(banner: string): WebProduct {
  if (/^nginx/i.test(banner)) return 'nginx'
  if (/^Microsoft-IIS/i.test(banner)) return 'iis'
  if (/^lighttpd/i.test(banner)) return 'lighttpd'
  if (/^Apache/i.test(banner)) return 'apache'
  return 'embedded-web'
}

/** When the OS (and the web server package with it) was installed: before the last boot. */
function installedAt(persona: Persona): number {
  const random = seededRandom(persona.seed).fork('http/installed')
  return persona.bootTime * 1000 - random.int(20 * DAY_MS, 700 * DAY_MS)
}

function indexFile(facts: WebServerFacts): StaticFile {
  const { persona } = facts
  const page = defaultPage(facts.product, persona.os, facts.version, `${persona.hardware.model}`)
  // Files copied at install (Debian's postinst, IIS setup) carry the install time; Rocky's test
  // page is shipped in the RPM, whose build time is the same on every host of that version.
  const rpm = page.file.startsWith('/usr/share/httpd/')
  const mtimeMs = rpm
    ? Date.UTC(2024, 6, 1) + seededRandom(`rpm/${facts.banner}`).int(0, 120 * DAY_MS)
    : installedAt(persona) + seededRandom(persona.seed).fork('http/index-mtime').int(0, 3_600_000)
  return { body: Buffer.from(page.body), contentType: page.contentType, mtimeMs, status: page.status }
}

/** If-None-Match / If-Modified-Since against the file: true when the client's copy is current. */
function notModified(request: HttpRequest, etag: string, mtimeMs: number): boolean {
  const match = request.headers['if-none-match']
  if (match !== undefined) return match.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')
  const since = request.headers['if-modified-since']
  if (since === undefined) return false
  const time = Date.parse(since)
  return Number.isFinite(time) && Math.floor(mtimeMs / 1000) * 1000 <= time
}

const hostOf = (host: string | undefined) => host?.replace(/:\d+$/, '').replace(/^\[|\]$/g, '') || undefined

// ---------------------------------------------------------------------------------------------
// Apache httpd 2.4

function apache(facts: WebServerFacts): WebServer {
  const { persona, banner } = facts
  const debianLike = persona.os.id === 'debian' || persona.os.id === 'ubuntu'
  // Debian/Ubuntu's security.conf: ServerSignature On, TraceEnable Off; upstream/RHEL: Off, On.
  const signature = debianLike
  const traceEnabled = !debianLike
  // Debian/Ubuntu enable mod_deflate for text types, which adds Vary to every compressible reply.
  const vary = debianLike
  // No ServerName in a default install: Apache uses the FQDN it resolves, or 127.0.1.1 on Debian.
  const serverName = persona.domain
    ? `${persona.hostname.toLowerCase()}.${persona.domain.dns.toLowerCase()}`
    : debianLike
      ? '127.0.1.1'
      : persona.hostname.toLowerCase()
  const allow = 'GET,POST,OPTIONS,HEAD'
  const microseconds = seededRandom(persona.seed).fork('http/apache-usec').int(0, 999)

  const page = (status: number, message: string, host: string | undefined, port: number): HttpReply => {
    const title = `${status} ${STATUS_REASONS[status] ?? 'Error'}`
    const address = signature
      ? `<hr>\n<address>${banner} Server at ${host ?? serverName} Port ${port}</address>\n`
      : ''
    return {
      status,
      headers: { 'Content-Type': 'text/html; charset=iso-8859-1' },
      body: `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>${title}</title>\n</head><body>\n<h1>${STATUS_REASONS[status] ?? 'Error'}</h1>\n${message}\n${address}</body></html>\n`,
    }
  }
  const messages = (status: number, method: string): string => {
    switch (status) {
      case 400:
        return '<p>Your browser sent a request that this server could not understand.<br />\n</p>'
      case 403:
        return "<p>You don't have permission to access this resource.</p>"
      case 404:
        return '<p>The requested URL was not found on this server.</p>'
      case 405:
        return `<p>The requested method ${method} is not allowed for this URL.</p>`
      case 408:
        return '<p>Server timeout waiting for the HTTP request from the client.</p>'
      case 413:
        return `The requested resource does not allow request data with ${method} requests, or the amount of data provided in\nthe request exceeds the capacity limit.`
      case 414:
        return "<p>The requested URL's length exceeds the capacity\nlimit for this server.<br />\n</p>"
      case 501:
        return `<p>${method} not supported for current URL.<br />\n</p>`
      case 505:
        return '<p>The server does not support the HTTP protocol version used in the request.</p>'
      default:
        return '<p>The server encountered an internal error or\nmisconfiguration and was unable to complete\nyour request.</p>'
    }
  }
  const statusOf: Partial<Record<RequestProblem, number>> = {
    uri_too_long: 414,
    unsupported_version: 505,
    unsupported_transfer_encoding: 501,
    body_too_large: 413,
    timeout: 408,
  }
  const dialect: HttpDialect = {
    limits: { requestLine: 8190, headerLine: 8190, headerCount: 100 },
    http09: true,
    keepAliveTimeoutMs: 5_000,
    // mod_reqtimeout: header=20-40,MinRate=500
    headerTimeoutMs: 20_000,
    maxRequestsPerConnection: 100,
    reject: (problem, context: RejectContext) => {
      const status = statusOf[problem] ?? 400
      const reply = page(
        status,
        messages(status, context.head?.method ?? 'GET'),
        hostOf(context.head?.headers?.host),
        context.localPort,
      )
      if (status === 400 && problem === 'header_too_long')
        reply.body = String(reply.body).replace(
          '<br />\n</p>',
          '<br />\nSize of a request header field exceeds server limit.<br />\n</p>',
        )
      return reply
    },
    statusLine: (status) => `HTTP/1.1 ${status} ${STATUS_REASONS[status] ?? 'Unknown'}`,
    // Date, Server, the handler's headers, Content-Length, Vary, Keep-Alive, Connection, Content-Type.
    arrange: (headers, f) => {
      const contentType = headerValue(headers, 'Content-Type')
      const varyValue = headerValue(headers, 'Vary')
      return [
        ['Date', f.date],
        ['Server', headerValue(headers, 'Server') ?? banner],
        ...otherHeaders(headers, ['Server', 'Content-Type', 'Vary', 'Content-Length', 'Connection', 'Date']),
        ['Content-Length', String(f.contentLength)],
        ...(varyValue ? ([['Vary', varyValue]] as Arranged) : []),
        ...(f.keepAlive
          ? ([
              ['Keep-Alive', `timeout=5, max=${Math.min(f.remainingRequests, 100)}`],
              ['Connection', 'Keep-Alive'],
            ] as Arranged)
          : ([['Connection', 'close']] as Arranged)),
        ...(contentType ? ([['Content-Type', contentType]] as Arranged) : []),
      ]
    },
  }
  const port = (request: HttpRequest) => request.session.socket.localPort ?? 80
  const errorPage = (status: number, request: HttpRequest) =>
    page(status, messages(status, request.method), hostOf(request.headers.host), port(request))
  return {
    product: 'apache',
    banner,
    dialect,
    index: indexFile(facts),
    errorPage,
    serveFile: (request, file): HttpReply => {
      const etag = `"${file.body.length.toString(16)}-${(Math.floor(file.mtimeMs) * 1000 + microseconds).toString(16)}"`
      const method = request.method
      if (method === 'OPTIONS') return { status: 200, headers: { Allow: allow, 'Content-Type': 'text/html' } }
      if (method === 'TRACE') {
        if (!traceEnabled)
          return { ...errorPage(405, request), headers: { Allow: allow, ...errorPage(405, request).headers } }
        const echo = `${method} ${request.url} HTTP/${request.version}\r\n${request.rawHeaders.map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\n\r\n`
        return { status: 200, headers: { 'Content-Type': 'message/http' }, body: echo }
      }
      if (!['GET', 'HEAD', 'POST'].includes(method)) {
        const status = REGISTERED_METHODS.has(method) ? 405 : 501
        const reply = errorPage(status, request)
        return { ...reply, headers: { Allow: allow, ...reply.headers } }
      }
      const validators = {
        'Last-Modified': httpDate(new Date(file.mtimeMs)),
        ETag: etag,
        'Accept-Ranges': 'bytes',
      }
      if (file.status === 200 && notModified(request, etag, file.mtimeMs))
        return { status: 304, headers: { ETag: etag } }
      return {
        status: file.status,
        headers: {
          ...validators,
          ...(vary && file.contentType.startsWith('text/') ? { Vary: 'Accept-Encoding' } : {}),
          'Content-Type': file.contentType,
        },
        body: file.body,
      }
    },
  }
}

/** Methods Apache knows (answered 405 on a static file); any other is 501 Not Implemented. */
const REGISTERED_METHODS = new Set([
  'PUT',
  'DELETE',
  'CONNECT',
  'PATCH',
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
  'VERSION-CONTROL',
  'REPORT',
  'CHECKOUT',
  'CHECKIN',
  'UNCHECKOUT',
  'MKWORKSPACE',
  'UPDATE',
  'LABEL',
  'MERGE',
  'BASELINE-CONTROL',
  'MKACTIVITY',
])

// ---------------------------------------------------------------------------------------------
// nginx

const NGINX_REASONS: Record<number, string> = {
  ...STATUS_REASONS,
  302: 'Moved Temporarily',
  405: 'Not Allowed',
  414: 'Request-URI Too Large',
}

function nginx(facts: WebServerFacts): WebServer {
  const { banner } = facts
  const [major = 1, minor = 0] = facts.version.split('.').map(Number)
  const page = (status: number, detail?: string): HttpReply => {
    const title = `${status} ${NGINX_REASONS[status] ?? 'Error'}`
    return {
      status,
      headers: { 'Content-Type': 'text/html' },
      body: `<html>\r\n<head><title>${detail ? `${status} ${detail}` : title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n${detail ? `<center>${detail}</center>\r\n` : ''}<hr><center>${banner}</center>\r\n</body>\r\n</html>\r\n`,
    }
  }
  const dialect: HttpDialect = {
    limits: { requestLine: 8192, headerLine: 8192, headerCount: 1000 },
    http09: true,
    // Debian's nginx.conf: keepalive_timeout 65; keepalive_requests 1000 since 1.19.10 (100 before).
    keepAliveTimeoutMs: 65_000,
    headerTimeoutMs: 60_000,
    maxRequestsPerConnection: major > 1 || minor >= 20 ? 1000 : 100,
    // client_max_body_size 1m
    maxRequestBodyBytes: 1024 * 1024,
    acceptsMethod: (method) => /^[A-Z_]+$/.test(method),
    reject: (problem) => {
      switch (problem) {
        case 'timeout':
          return undefined // client_header_timeout: logged as 408, the connection just closes
        case 'uri_too_long':
          return page(414)
        case 'header_too_long':
        case 'too_many_headers':
          return page(400, 'Request Header Or Cookie Too Large')
        case 'unsupported_version':
          return page(505)
        case 'unsupported_transfer_encoding':
          return page(501)
        case 'body_too_large':
          return page(413)
        default:
          return page(400)
      }
    },
    statusLine: (status) => `HTTP/1.1 ${status} ${NGINX_REASONS[status] ?? 'Unknown'}`,
    // ngx_http_header_filter: Server, Date, Content-Type, Content-Length, Last-Modified, Location, Connection, then the list.
    arrange: (headers, f) => {
      const pick = (name: string): Arranged => {
        const value = headerValue(headers, name)
        return value === undefined ? [] : [[name, value]]
      }
      return [
        ['Server', headerValue(headers, 'Server') ?? banner],
        ['Date', f.date],
        ...pick('Content-Type'),
        ['Content-Length', String(f.contentLength)],
        ...pick('Last-Modified'),
        ...pick('Location'),
        ['Connection', f.keepAlive ? 'keep-alive' : 'close'],
        ...otherHeaders(headers, [
          'Server',
          'Date',
          'Content-Type',
          'Content-Length',
          'Last-Modified',
          'Location',
          'Connection',
        ]),
      ]
    },
  }
  return {
    product: 'nginx',
    banner,
    dialect,
    index: indexFile(facts),
    errorPage: (status) => page(status),
    serveFile: (request, file): HttpReply => {
      const etag = `"${Math.floor(file.mtimeMs / 1000).toString(16)}-${file.body.length.toString(16)}"`
      // The static module serves GET and HEAD only; OPTIONS, POST and the rest get 405 Not Allowed.
      if (request.method !== 'GET' && request.method !== 'HEAD') return page(405)
      if (notModified(request, etag, file.mtimeMs))
        return { status: 304, headers: { 'Last-Modified': httpDate(new Date(file.mtimeMs)), ETag: etag } }
      return {
        status: file.status,
        headers: {
          'Content-Type': file.contentType,
          'Last-Modified': httpDate(new Date(file.mtimeMs)),
          ETag: etag,
          'Accept-Ranges': 'bytes',
        },
        body: file.body,
      }
    },
  }
}

// ---------------------------------------------------------------------------------------------
// IIS (and HTTP.sys, which answers what it refuses before IIS sees it)

function iis(facts: WebServerFacts): WebServer {
  const { banner } = facts
  const httpSys = (status: number, title: string, message: string): HttpReply => ({
    status,
    headers: { 'Content-Type': 'text/html; charset=us-ascii', Server: 'Microsoft-HTTPAPI/2.0' },
    body: `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n<HTML><HEAD><TITLE>${title.replace(/ - .*/, '')}</TITLE>\r\n<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>\r\n<BODY><h2>${title}</h2>\r\n<hr><p>HTTP Error ${status}. ${message}</p>\r\n</BODY></HTML>\r\n`,
  })
  const iisPage = (status: number, title: string, detail: string): HttpReply => ({
    status,
    headers: { 'Content-Type': 'text/html' },
    body: `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\r\n<html xmlns="http://www.w3.org/1999/xhtml">\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"/>\r\n<title>${title}</title>\r\n<style type="text/css">\r\n<!--\r\nbody{margin:0;font-size:.7em;font-family:Verdana, Arial, Helvetica, sans-serif;background:#EEEEEE;}\r\nfieldset{padding:0 15px 10px 15px;} \r\nh1{font-size:2.4em;margin:0;color:#FFF;}\r\nh2{font-size:1.7em;margin:0;color:#CC0000;} \r\nh3{font-size:1.2em;margin:10px 0 0 0;color:#000000;} \r\n#header{width:96%;margin:0 0 0 0;padding:6px 2% 6px 2%;font-family:"trebuchet MS", Verdana, sans-serif;color:#FFF;\r\nbackground-color:#555555;}\r\n#content{margin:0 0 0 2%;position:relative;}\r\n.content-container{background:#FFF;width:96%;margin-top:8px;padding:10px;position:relative;}\r\n-->\r\n</style>\r\n</head>\r\n<body>\r\n<div id="header"><h1>Server Error</h1></div>\r\n<div id="content">\r\n <div class="content-container"><fieldset>\r\n  <h2>${title}</h2>\r\n  <h3>${detail}</h3>\r\n </fieldset></div>\r\n</div>\r\n</body>\r\n</html>\r\n`,
  })
  const errorPage = (status: number): HttpReply => {
    switch (status) {
      case 404:
        return iisPage(
          404,
          '404 - File or directory not found.',
          'The resource you are looking for might have been removed, had its name changed, or is temporarily unavailable.',
        )
      case 405:
        return iisPage(
          405,
          '405 - HTTP verb used to access this page is not allowed.',
          'The page you are looking for cannot be displayed because an invalid method (HTTP verb) was used to attempt access.',
        )
      case 403:
        return iisPage(
          403,
          '403 - Forbidden: Access is denied.',
          'You do not have permission to view this directory or page using the credentials that you supplied.',
        )
      default:
        return iisPage(
          500,
          '500 - Internal server error.',
          'There is a problem with the resource you are looking for, and it cannot be displayed.',
        )
    }
  }
  const dialect: HttpDialect = {
    limits: { requestLine: 16_384, headerLine: 16_384, headerCount: 200 },
    http09: false,
    // HTTP.sys: IdleConnectionTimeout 120 s, HeaderWait 120 s.
    keepAliveTimeoutMs: 120_000,
    headerTimeoutMs: 120_000,
    maxRequestsPerConnection: 0,
    reject: (problem) => {
      switch (problem) {
        case 'timeout':
          return undefined
        case 'missing_host':
        case 'bad_host':
          return httpSys(400, 'Bad Request - Invalid Hostname', 'The request hostname is invalid.')
        case 'uri_too_long':
          return httpSys(414, 'Request URL Too Long', 'The request URL is too long.')
        case 'header_too_long':
        case 'too_many_headers':
          return httpSys(400, 'Bad Request - Header Field Too Long', 'A request header field is too long.')
        case 'unsupported_version':
          return httpSys(505, 'HTTP Version Not Supported', 'The request has an invalid HTTP version.')
        case 'body_too_large':
          return httpSys(
            413,
            'Request Entity Too Large',
            'The page was not displayed because the request entity is too large.',
          )
        default:
          return httpSys(400, 'Bad Request', 'The request is badly formed.')
      }
    },
    statusLine: (status) => `HTTP/1.1 ${status} ${STATUS_REASONS[status] ?? 'Unknown'}`,
    // IIS: Content-Type, the handler's headers, Server, X-Powered-By, Date, [Connection], Content-Length.
    arrange: (headers, f) => {
      const server = headerValue(headers, 'Server') ?? banner
      const contentType = headerValue(headers, 'Content-Type')
      const fromIis = String(server).startsWith('Microsoft-IIS')
      const clientClose = /\bclose\b/i.test(f.request?.headers.connection ?? '')
      return [
        ...(contentType ? ([['Content-Type', contentType]] as Arranged) : []),
        ...otherHeaders(headers, [
          'Content-Type',
          'Server',
          'X-Powered-By',
          'Date',
          'Content-Length',
          'Connection',
        ]),
        ['Server', server],
        ...(fromIis
          ? ([['X-Powered-By', headerValue(headers, 'X-Powered-By') ?? 'ASP.NET']] as Arranged)
          : []),
        ['Date', f.date],
        ...(!f.keepAlive && (clientClose || !f.request) ? ([['Connection', 'close']] as Arranged) : []),
        ['Content-Length', String(f.contentLength)],
      ]
    },
  }
  const allow = 'OPTIONS, TRACE, GET, HEAD, POST'
  return {
    product: 'iis',
    banner,
    dialect,
    index: indexFile(facts),
    errorPage,
    serveFile: (request, file): HttpReply => {
      const etag = `"${filetimeHex(file.mtimeMs)}:0"`
      if (request.method === 'OPTIONS') return { status: 200, headers: { Allow: allow, Public: allow } }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        const reply = errorPage(405)
        return { ...reply, headers: { ...reply.headers, Allow: 'GET, HEAD, OPTIONS, TRACE' } }
      }
      const validators = {
        'Last-Modified': httpDate(new Date(file.mtimeMs)),
        'Accept-Ranges': 'bytes',
        ETag: etag,
      }
      if (notModified(request, etag, file.mtimeMs)) return { status: 304, headers: validators }
      return {
        status: file.status,
        headers: { 'Content-Type': file.contentType, ...validators },
        body: file.body,
      }
    },
  }
}

/**
 * IIS's ETag core: the file's FILETIME, its eight bytes little-endian, each printed as `%x`
 * without padding (why IIS ETags end in `…d41` or `…cf1`).
 */
export function filetimeHex(mtimeMs: number): string {
  const filetime = (BigInt(Math.floor(mtimeMs)) + 11_644_473_600_000n) * 10_000n
  const bytes = Buffer.alloc(8)
  bytes.writeBigUInt64LE(filetime)
  return [...bytes].map((byte) => byte.toString(16)).join('')
}

// ---------------------------------------------------------------------------------------------
// lighttpd

function lighttpd(facts: WebServerFacts): WebServer {
  const { banner, persona } = facts
  const inode = seededRandom(persona.seed).fork('http/lighttpd-inode').int(130_000, 2_900_000)
  const page = (status: number): HttpReply => {
    const title = `${status} ${STATUS_REASONS[status] ?? 'Error'}`
    return {
      status,
      headers: { 'Content-Type': 'text/html' },
      body: `<?xml version="1.0" encoding="iso-8859-1"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"\n         "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">\n <head>\n  <title>${title}</title>\n </head>\n <body>\n  <h1>${title}</h1>\n </body>\n</html>\n`,
    }
  }
  const dialect: HttpDialect = {
    limits: { requestLine: 8192, headerLine: 8192, headerCount: 256 },
    http09: false,
    keepAliveTimeoutMs: 5_000,
    headerTimeoutMs: 60_000,
    maxRequestsPerConnection: 1000,
    reject: (problem) => {
      if (problem === 'timeout') return undefined
      return page(
        problem === 'uri_too_long'
          ? 414
          : problem === 'header_too_long' || problem === 'too_many_headers'
            ? 431
            : problem === 'unsupported_version'
              ? 505
              : problem === 'unsupported_transfer_encoding'
                ? 501
                : problem === 'body_too_large'
                  ? 413
                  : 400,
      )
    },
    // lighttpd answers in the client's HTTP version.
    statusLine: (status, version: HttpVersion) =>
      `HTTP/${version === '1.1' ? '1.1' : '1.0'} ${status} ${STATUS_REASONS[status] ?? 'Unknown'}`,
    arrange: (headers: HttpHeaders, f) => {
      const pick = (name: string): Arranged => {
        const value = headerValue(headers, name)
        return value === undefined ? [] : [[name, value]]
      }
      return [
        ...pick('Content-Type'),
        ...pick('ETag'),
        ...pick('Last-Modified'),
        ...otherHeaders(headers, ['Content-Type', 'ETag', 'Last-Modified', 'Server', 'Accept-Ranges']),
        ['Content-Length', String(f.contentLength)],
        ...pick('Accept-Ranges'),
        ...(!f.keepAlive && f.request?.version === '1.1' ? ([['Connection', 'close']] as Arranged) : []),
        ['Date', f.date],
        ['Server', headerValue(headers, 'Server') ?? banner],
      ]
    },
  }
  return {
    product: 'lighttpd',
    banner,
    dialect,
    index: indexFile(facts),
    errorPage: (status) => page(status),
    serveFile: (request, file): HttpReply => {
      // etag.use-inode/mtime/size, hashed (djb) to an unsigned 32-bit decimal.
      let hash = 5381
      for (const byte of Buffer.from(`${inode}-${file.body.length}-${Math.floor(file.mtimeMs / 1000)}`))
        hash = ((hash << 5) + hash + byte) >>> 0
      const etag = `"${hash}"`
      if (request.method === 'OPTIONS') return { status: 200, headers: { Allow: 'OPTIONS, GET, HEAD, POST' } }
      if (!['GET', 'HEAD', 'POST'].includes(request.method)) {
        const reply = page(405)
        return { ...reply, headers: { ...reply.headers, Allow: 'OPTIONS, GET, HEAD, POST' } }
      }
      if (notModified(request, etag, file.mtimeMs)) return { status: 304, headers: { ETag: etag } }
      return {
        status: file.status,
        headers: {
          'Content-Type': file.contentType,
          ETag: etag,
          'Last-Modified': httpDate(new Date(file.mtimeMs)),
          'Accept-Ranges': 'bytes',
        },
        body: file.body,
      }
    },
  }
}

// ---------------------------------------------------------------------------------------------
// Appliance web servers (GoAhead, Boa, mini_httpd …: the persona's banner names which)

function embedded(facts: WebServerFacts): WebServer {
  if (/^cisco-IOS/.test(facts.banner)) return ciscoIos(facts)
  const dialect = minimalDialect(facts.banner)
  const page = (status: number): HttpReply => {
    const title = `${status} ${STATUS_REASONS[status] ?? 'Error'}`
    return {
      status,
      headers: { 'Content-Type': 'text/html' },
      body: `<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>\n`,
    }
  }
  return {
    product: 'embedded-web',
    banner: facts.banner,
    dialect,
    index: indexFile(facts),
    errorPage: (status) => page(status),
    serveFile: (request, file): HttpReply => {
      if (!['GET', 'HEAD', 'POST'].includes(request.method)) return page(501)
      return {
        status: file.status,
        headers: { 'Content-Type': file.contentType, 'Last-Modified': httpDate(new Date(file.mtimeMs)) },
        body: file.body,
      }
    },
  }
}

/**
 * Cisco IOS's HTTP server (`ip http server`): HTTP/1.1, Date before Server, and Basic auth for the
 * privilege-15 realm on every page.
 */
function ciscoIos(facts: WebServerFacts): WebServer {
  const base = minimalDialect(facts.banner)
  const unauthorized = (): HttpReply => ({
    status: 401,
    headers: {
      'Accept-Ranges': 'none',
      'WWW-Authenticate': 'Basic realm="level_15_access"',
      'Content-Type': 'text/html',
    },
    body: '<HEAD><TITLE>Authorization Required</TITLE></HEAD><BODY><H1>Authorization Required</H1>Browser not authentication-capable or authentication failed.</BODY>\n',
  })
  const dialect: HttpDialect = {
    ...base,
    statusLine: (status, _version, reason) =>
      `HTTP/1.1 ${status} ${reason ?? STATUS_REASONS[status] ?? 'Unknown'}`,
    arrange: (headers, f) => [
      ['Date', f.date],
      ['Server', headerValue(headers, 'Server') ?? facts.banner],
      ...otherHeaders(headers, ['Date', 'Server', 'Content-Length', 'Connection']),
      ['Connection', 'close'],
    ],
  }
  return {
    product: 'embedded-web',
    banner: facts.banner,
    dialect,
    index: indexFile(facts),
    errorPage: () => unauthorized(),
    serveFile: () => unauthorized(),
  }
}
