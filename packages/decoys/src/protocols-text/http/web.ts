import type { Emulator, EmulatorContext, RunningEmulator } from '../../emulator.ts'
import { configInt, configString } from '../../framework/config.ts'
import { type HttpReply, type HttpRequest, listenHttp, parseExtraHeaders } from '../../framework/http.ts'
import { running } from '../../framework/listeners.ts'
import { seededRandom } from '../../framework/random.ts'
import { tlsOptionsFor } from '../../framework/tls.ts'
import { emitCredentialAttempt } from './credentials.ts'
import { productOfBanner, WEB_PRODUCTS, type WebProduct, type WebServer, webServer } from './servers.ts'
import { buildSkin, FAKE_APPS, type FakeApp } from './skins.ts'

/**
 * http and https: the web server the persona claims (Apache, nginx, IIS, lighttpd or an appliance
 * server) down to its framing, error pages, validators and default page; every request logged,
 * credentials captured from Authorization headers and login forms, pages from the fake app skin.
 */
async function startWeb(
  ctx: EmulatorContext,
  tlsOnPort: (index: number) => boolean,
): Promise<RunningEmulator> {
  const server = webServerFor(ctx)
  const fakeAppKey = configString(ctx.config, 'fake_app') ?? 'none'
  const fakeApp: FakeApp = (FAKE_APPS as readonly string[]).includes(fakeAppKey)
    ? (fakeAppKey as FakeApp)
    : 'none'
  const responseCode = configInt(ctx.config, 'response_code')
  const customBody = configString(ctx.config, 'custom_body')
  const extraHeaders = parseExtraHeaders(configString(ctx.config, 'extra_headers'))
  const skin = buildSkin(
    fakeApp,
    ctx.persona.hostname,
    seededRandom(ctx.persona.seed).fork(`http/${fakeApp}`),
  )
  const tlsIdentity = ctx.ports.some((_, index) => tlsOnPort(index))
    ? await tlsOptionsFor(ctx.persona, ctx.service, {
        ...optional('cert', configString(ctx.config, 'tls_cert')),
        ...optional('key', configString(ctx.config, 'tls_key')),
        ...optional('commonName', configString(ctx.config, 'tls_cn')),
      })
    : undefined

  const fallback = (request: HttpRequest): HttpReply => {
    if (customBody !== undefined)
      return { status: responseCode ?? 200, headers: { 'Content-Type': 'text/html' }, body: customBody }
    if (request.path === '/' || request.path === '*') {
      const reply = server.serveFile(request, server.index)
      return responseCode !== undefined && reply.status === server.index.status
        ? { ...reply, status: responseCode }
        : reply
    }
    if (request.method === 'OPTIONS') return server.serveFile(request, server.index)
    return server.errorPage(404, request)
  }

  const listeners = await listenHttp({
    ctx,
    ports: ctx.ports,
    ...(tlsIdentity ? { tls: { onPort: tlsOnPort, identity: tlsIdentity } } : {}),
    dialect: server.dialect,
    defaultHeaders: { Server: server.banner, ...extraHeaders },
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

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>)
}

/** The server the persona names for this service; `server_header` (operator override) wins on the banner. */
export function webServerFor(ctx: EmulatorContext): WebServer {
  const claimed = ctx.persona.services[ctx.service] ?? ctx.persona.services.http
  const configured = configString(ctx.config, 'server_header')
  const banner = configured ?? claimed?.banner ?? 'Apache'
  const claimedProduct = claimed?.product ?? ''
  const product: WebProduct =
    configured !== undefined
      ? productOfBanner(configured)
      : (WEB_PRODUCTS as readonly string[]).includes(claimedProduct)
        ? (claimedProduct as WebProduct)
        : 'embedded-web'
  const version = /\/([\d.]+)/.exec(banner)?.[1] ?? claimed?.version ?? ''
  return webServer({ product, banner, version, persona: ctx.persona })
}

export const httpEmulator: Emulator = {
  slug: 'http',
  defaultPorts: [80],
  // A test or an operator giving http a second port gets TLS on it (as the https service speaks).
  start: (ctx) => startWeb(ctx, (index) => index > 0),
}

export const httpsEmulator: Emulator = {
  slug: 'https',
  defaultPorts: [443],
  start: (ctx) => startWeb(ctx, () => true),
}
