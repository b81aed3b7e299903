import type { Emulator, EmulatorContext, RunningEmulator } from '../../emulator.ts'
import { configInt, configString } from '../../framework/config.ts'
import {
  type HttpReply,
  type HttpRequest,
  listenHttp,
  parseExtraHeaders,
  type ResponseFacts,
} from '../../framework/http.ts'
import { running } from '../../framework/listeners.ts'
import { selfSignedIdentity, type TlsIdentity } from '../../framework/tls.ts'
import { personaFor } from '../shell/persona.ts'
import { emitCredentialAttempt } from './credentials.ts'
import { buildSkin, FAKE_APPS, type FakeApp } from './skins.ts'

const SERVERS: Record<string, string[]> = {
  ubuntu22: ['Apache/2.4.52 (Ubuntu)', 'nginx/1.18.0 (Ubuntu)'],
  ubuntu20: ['Apache/2.4.41 (Ubuntu)', 'nginx/1.18.0 (Ubuntu)'],
  debian: ['Apache/2.4.62 (Debian)', 'nginx/1.22.1'],
  rhel: ['Apache/2.4.57 (Rocky Linux)', 'nginx/1.20.1'],
  alpine: ['nginx/1.24.0', 'nginx/1.26.2'],
}

/**
 * http and https: every request logged, credentials captured from Authorization headers and login
 * forms, pages from the configured fake app skin, server persona from the decky seed.
 */
async function startWeb(
  ctx: EmulatorContext,
  tlsOnPort: (index: number) => boolean,
): Promise<RunningEmulator> {
  const persona = personaFor(ctx)
  const random = persona.random.fork('http')
  const fakeAppKey = configString(ctx.config, 'fake_app') ?? 'none'
  const fakeApp: FakeApp = (FAKE_APPS as readonly string[]).includes(fakeAppKey)
    ? (fakeAppKey as FakeApp)
    : 'none'
  const server =
    configString(ctx.config, 'server_header') ??
    (fakeApp === 'jenkins' ? 'Jetty(10.0.20)' : random.pick(SERVERS[persona.distro] ?? SERVERS.debian ?? []))
  const responseCode = configInt(ctx.config, 'response_code') ?? 200
  const customBody = configString(ctx.config, 'custom_body')
  const extraHeaders = parseExtraHeaders(configString(ctx.config, 'extra_headers'))
  const skin = buildSkin(fakeApp, ctx.hostname, random.fork(fakeApp))
  const nginx = server.startsWith('nginx')
  const identity = ctx.ports.some((_, index) => tlsOnPort(index)) ? await tlsIdentityFor(ctx) : undefined

  const fallback = (request: HttpRequest): HttpReply => {
    if (customBody !== undefined) return { status: responseCode, body: customBody }
    if (request.path === '/' || request.path === '/index.html') {
      return {
        status: responseCode,
        headers: { 'Content-Type': 'text/html' },
        body: defaultPage(nginx, server),
      }
    }
    return {
      status: 404,
      headers: { 'Content-Type': 'text/html; charset=iso-8859-1' },
      body: notFound(nginx, server, ctx.hostname, request),
    }
  }

  const listeners = await listenHttp({
    ctx,
    ports: ctx.ports,
    ...(identity ? { tls: { onPort: tlsOnPort, identity } } : {}),
    defaultHeaders: { Server: server, ...extraHeaders },
    arrangeHeaders: nginx ? nginxHeaders : apacheHeaders,
    handle: (request) => {
      emitCredentialAttempt(request, (credential) => ({
        source: credential.source,
        method: request.method,
        path: request.path,
        fake_app: fakeApp,
      }))
      return skin(request) ?? fallback(request)
    },
  })
  return running(listeners)
}

type Headers = Record<string, string | string[]>
type Arranged = [string, string | string[]][]

/** Everything but the named headers (compared case-insensitively), in their original order. */
function rest(headers: Headers, taken: string[]): Arranged {
  const skip = new Set(taken.map((name) => name.toLowerCase()))
  return Object.entries(headers).filter(([name]) => !skip.has(name.toLowerCase()))
}

/** nginx: Server, Date, Content-Type, Content-Length, Connection, then the rest; no Keep-Alive header. */
function nginxHeaders(headers: Headers, facts: ResponseFacts): Arranged {
  return [
    ['Server', headers.Server ?? 'nginx'],
    ['Date', facts.date],
    ...(headers['Content-Type'] ? ([['Content-Type', headers['Content-Type']]] as Arranged) : []),
    ['Content-Length', String(facts.contentLength)],
    ['Connection', facts.keepAlive ? 'keep-alive' : 'close'],
    ...rest(headers, ['Server', 'Content-Type']),
  ]
}

/** Apache: Date, Server, the rest, Content-Length, Keep-Alive, Connection (capitalised), Content-Type. */
function apacheHeaders(headers: Headers, facts: ResponseFacts): Arranged {
  return [
    ['Date', facts.date],
    ['Server', headers.Server ?? 'Apache'],
    ...rest(headers, ['Server', 'Content-Type']),
    ['Content-Length', String(facts.contentLength)],
    ...(facts.keepAlive ? ([['Keep-Alive', 'timeout=5, max=100']] as Arranged) : []),
    ['Connection', facts.keepAlive ? 'Keep-Alive' : 'close'],
    ...(headers['Content-Type'] ? ([['Content-Type', headers['Content-Type']]] as Arranged) : []),
  ]
}

async function tlsIdentityFor(ctx: EmulatorContext): Promise<TlsIdentity> {
  const cert = configString(ctx.config, 'tls_cert')
  const key = configString(ctx.config, 'tls_key')
  if (cert && key) return { cert, key }
  const commonName = configString(ctx.config, 'tls_cn') ?? ctx.hostname
  return selfSignedIdentity(commonName, personaFor(ctx).random.fork('tls'))
}

function defaultPage(nginx: boolean, server: string): string {
  if (nginx) {
    return '<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n<a href="http://nginx.org/">nginx.org</a>.<br/>\nCommercial support is available at\n<a href="http://nginx.com/">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n'
  }
  const distro = /\((\w+)/.exec(server)?.[1] ?? 'Debian'
  return `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml">\n  <head>\n    <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />\n    <title>Apache2 ${distro} Default Page: It works</title>\n  </head>\n  <body>\n    <div class="main_page">\n      <div class="page_header floating_element">\n        <span class="floating_element">Apache2 ${distro} Default Page</span>\n      </div>\n      <div class="section_header"><div id="about"></div>It works!</div>\n      <p>This is the default welcome page used to test the correct operation of the Apache2 server after installation on ${distro} systems.</p>\n    </div>\n  </body>\n</html>\n`
}

function notFound(nginx: boolean, server: string, hostname: string, request: HttpRequest): string {
  if (nginx)
    return `<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>${server}</center>\r\n</body>\r\n</html>\r\n`
  const port = request.session.socket.localPort ?? 80
  return `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n<hr>\n<address>${server} Server at ${hostname} Port ${port}</address>\n</body></html>\n`
}

export const httpEmulator: Emulator = {
  slug: 'http',
  defaultPorts: [80, 443],
  // The catalogue's http ports are 80 and 443: every port after the first speaks TLS, like Caddy does.
  start: (ctx) => startWeb(ctx, (index) => index > 0),
}

export const httpsEmulator: Emulator = {
  slug: 'https',
  defaultPorts: [443],
  start: (ctx) => startWeb(ctx, () => true),
}
