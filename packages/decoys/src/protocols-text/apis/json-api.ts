import type { Persona, ServiceProduct } from '@decnet/core/schemas'
import type { Emulator, EmulatorContext, RunningEmulator } from '../../emulator.ts'
import { configString } from '../../framework/config.ts'
import {
  type HttpDialect,
  type HttpReply,
  type HttpRequest,
  headerValue,
  listenHttp,
  otherHeaders,
  STATUS_REASONS,
} from '../../framework/http.ts'
import { running } from '../../framework/listeners.ts'
import { type SeededRandom, seededRandom } from '../../framework/random.ts'
import { tlsOptionsFor } from '../../framework/tls.ts'
import { emitCredentialAttempt } from '../http/credentials.ts'

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpReply => ({
  status,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: `${JSON.stringify(body)}\n`,
})

/** Indented JSON as Elasticsearch and the apiserver print their banners (`{\n  "name" : …`). */
export const prettyJson = (
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  style: 'jackson' | 'go' = 'go',
): HttpReply => {
  const text = JSON.stringify(body, null, 2)
  return {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
    // Jackson's pretty printer puts a space before the colon; Go's json.MarshalIndent does not.
    body: `${style === 'jackson' ? text.replace(/^(\s*"(?:[^"\\]|\\.)*"):/gm, '$1 :') : text}\n`,
  }
}

type Arranged = [string, string | string[]][]

/**
 * Go's net/http server (kube-apiserver, dockerd): handler headers sorted by name, then Date and
 * Content-Length; no Connection header on a kept-alive HTTP/1.1 exchange; and its own terse
 * plain-text answers to what it cannot parse (no Date, no length: `400 Bad Request`).
 */
export const goDialect: HttpDialect = {
  limits: { requestLine: 1 << 20, headerLine: 1 << 20, headerCount: 10_000 },
  http09: false,
  keepAliveTimeoutMs: 90_000,
  headerTimeoutMs: 60_000,
  maxRequestsPerConnection: 0,
  reject: (problem) => {
    const plain = (status: number, text?: string): HttpReply => {
      const reason = `${STATUS_REASONS[status]}${text ? `: ${text}` : ''}`
      return {
        status,
        reason,
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        body: `${status} ${reason}`,
      }
    }
    switch (problem) {
      case 'timeout':
        return undefined
      case 'missing_host':
        return plain(400, 'missing required Host header')
      case 'bad_host':
        return plain(400, 'malformed Host header')
      case 'unsupported_version':
        return plain(505, 'unsupported protocol version')
      case 'header_too_long':
      case 'too_many_headers':
        return plain(431)
      case 'unsupported_transfer_encoding':
        return {
          status: 501,
          headers: { 'Content-Type': 'text/plain; charset=utf-8' },
          body: 'Unsupported transfer encoding',
        }
      default:
        return plain(400)
    }
  },
  statusLine: (status, _version, reason) =>
    `HTTP/1.1 ${status} ${reason ?? STATUS_REASONS[status] ?? `status code ${status}`}`,
  arrange: (headers, f) => {
    if (!f.request)
      return [...Object.entries(headers).filter(([name]) => name === 'Content-Type'), ['Connection', 'close']]
    const sorted = otherHeaders(headers, ['Date', 'Content-Length', 'Connection']).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )
    // Go says `Connection: close` only to HTTP/1.1 clients, `keep-alive` only to HTTP/1.0 ones that asked.
    const connection: Arranged =
      f.request.version === '1.1'
        ? f.keepAlive
          ? []
          : [['Connection', 'close']]
        : f.keepAlive
          ? [['Connection', 'keep-alive']]
          : []
    return [...sorted, ...connection, ['Date', f.date], ['Content-Length', String(f.contentLength)]]
  },
}

/**
 * Elasticsearch's Netty HTTP layer: lower-case `content-type`/`content-length`, no Date or Server
 * header, the client's HTTP version echoed, and a JSON error for what it cannot parse.
 */
export const elasticsearchDialect: HttpDialect = {
  limits: { requestLine: 4096, headerLine: 8192, headerCount: 1000 },
  http09: false,
  keepAliveTimeoutMs: 300_000,
  headerTimeoutMs: 300_000,
  maxRequestsPerConnection: 0,
  reject: (problem) =>
    problem === 'timeout'
      ? undefined
      : {
          status:
            problem === 'header_too_long' || problem === 'too_many_headers'
              ? 431
              : problem === 'uri_too_long'
                ? 414
                : 400,
          headers: { 'content-type': 'application/json; charset=UTF-8' },
          body: JSON.stringify({
            error: {
              root_cause: [{ type: 'illegal_argument_exception', reason: 'invalid HTTP request' }],
              type: 'illegal_argument_exception',
              reason: 'invalid HTTP request',
            },
            status: 400,
          }),
        },
  statusLine: (status, version, reason) =>
    `HTTP/${version === '1.0' ? '1.0' : '1.1'} ${status} ${reason ?? STATUS_REASONS[status] ?? 'Unknown'}`,
  arrange: (headers, f) => {
    const contentType = headerValue(headers, 'Content-Type')
    return [
      ...otherHeaders(headers, ['Content-Type', 'Content-Length', 'Connection', 'Date', 'Server']),
      ...(contentType ? ([['content-type', contentType]] as Arranged) : []),
      ['content-length', String(f.contentLength)],
      ...(!f.keepAlive && f.request?.version === '1.1' ? ([['connection', 'close']] as Arranged) : []),
    ]
  },
}

export type JsonApi = {
  defaultHeaders?: Record<string, string>
  handle(request: HttpRequest): HttpReply
}

/** Which JSON API an emulator imitates, and how it is reached. */
export type JsonApiService = {
  slug: string
  defaultPorts: number[]
  dialect: HttpDialect
  /** The version announced when neither the configuration nor the persona names one. */
  defaultVersion: string
  /** Label of the decky's random stream its values are drawn from (default: the slug). */
  randomLabel?: string
  /** Ports whose index this holds speak TLS with the persona's certificate for the service. */
  tlsOnIndex?: (index: number) => boolean
}

/** What a JSON API is built from: the persona, its product claim, the version and a seeded stream. */
export type JsonApiIdentity = {
  persona: Persona
  claimed: ServiceProduct | undefined
  version: string
  random: SeededRandom
}

/**
 * A fake JSON API (elasticsearch, k8s, docker_api) speaking the dialect of the server it imitates:
 * the handler is built once per emulator from its context (and the persona in it); every request
 * is logged and any credential sent is captured. TLS ports (kube-apiserver's 6443, dockerd's 2376)
 * show the persona's certificate for the service.
 */
export function jsonApiEmulator(
  service: JsonApiService,
  build: (identity: JsonApiIdentity, ctx: EmulatorContext) => JsonApi,
): Emulator {
  const { slug, defaultPorts, dialect, tlsOnIndex = () => false } = service
  return {
    slug,
    defaultPorts,
    async start(ctx: EmulatorContext): Promise<RunningEmulator> {
      const persona = ctx.persona
      const claimed = persona.services[slug]
      const api = build(
        {
          persona,
          claimed,
          version: configString(ctx.config, 'version') ?? claimed?.version ?? service.defaultVersion,
          random: seededRandom(persona.seed).fork(service.randomLabel ?? slug),
        },
        ctx,
      )
      const cert = configString(ctx.config, 'tls_cert')
      const key = configString(ctx.config, 'tls_key')
      const identity = ctx.ports.some((_, index) => tlsOnIndex(index))
        ? await tlsOptionsFor(ctx.persona, slug, cert && key ? { cert, key } : {})
        : undefined
      const listeners = await listenHttp({
        ctx,
        ports: ctx.ports,
        dialect,
        ...(identity ? { tls: { onPort: tlsOnIndex, identity } } : {}),
        ...(api.defaultHeaders ? { defaultHeaders: api.defaultHeaders } : {}),
        handle: (request) => {
          emitCredentialAttempt(request, () => ({ path: request.path }))
          return api.handle(request)
        },
      })
      return running(listeners)
    },
  }
}
