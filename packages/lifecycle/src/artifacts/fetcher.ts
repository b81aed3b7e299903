import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP } from 'node:net'
import { type FetchFailure, type FetchResult, MAX_ARTIFACT_NAME_CHARS } from '@decnet/core'
import type { EgressGuard } from './egress-guard.ts'
import { type ArtifactStore, MAX_ARTIFACT_BYTES } from './store.ts'

/**
 * The sandboxed fetcher: what a decoy's `wget`/`curl` asks for is fetched here, beside the API, never
 * by the decoy. GET only, http/https, at most MAX_REDIRECTS hops, a deadline for the whole fetch, the
 * body streamed into the artifact store and cut at its cap (recorded `truncated`), no credentials
 * (userinfo in the URL is dropped, no cookies, no proxy), and every connection checked by the egress
 * guard on the address actually connected to.
 */

export const FETCH_TIMEOUT_MS = 15_000
export const MAX_REDIRECTS = 3

export type FetcherOptions = {
  store: ArtifactStore
  guard: EgressGuard
  /** False: this installation fetches nothing (each fetch fails as on a host without a route out). */
  egress: boolean
  maxBytes?: number
  timeoutMs?: number
}

export type FetchOutcome = FetchResult

export type Fetcher = (url: string, userAgent?: string) => Promise<FetchOutcome>

export function createFetcher(options: FetcherOptions): Fetcher {
  const maxBytes = options.maxBytes ?? MAX_ARTIFACT_BYTES
  const timeoutMs = options.timeoutMs ?? FETCH_TIMEOUT_MS
  const lookup = guardedLookup(options.guard)
  return async (url, userAgent = 'Wget/1.21.3') => {
    let current = url.slice(0, MAX_ARTIFACT_NAME_CHARS)
    if (!options.egress) return { ok: false, url: current, failure: 'error' }
    const deadline = Date.now() + timeoutMs
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const parsed = parseUrl(current)
      if (!parsed) return { ok: false, url: current, failure: 'bad-url' }
      // A literal address skips the lookup hook, so it is checked here.
      const literal = parsed.hostname.replace(/^\[|\]$/g, '')
      if (isIP(literal) && options.guard(literal)) return { ok: false, url: current, failure: 'blocked' }
      const outcome = await getOnce(parsed, { maxBytes, deadline, store: options.store, lookup, userAgent })
      if (outcome.kind === 'redirect') {
        current = new URL(outcome.location, parsed).toString().slice(0, MAX_ARTIFACT_NAME_CHARS)
        continue
      }
      return outcome.result
    }
    return { ok: false, url: current, failure: 'error' }
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void
type Lookup = (
  hostname: string,
  options: { family?: number | string; all?: boolean },
  callback: LookupCallback,
) => void

/** Resolves like the system would, then refuses forbidden addresses. */
function guardedLookup(guard: EgressGuard): Lookup {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { family: Number(options.family) || 0, all: true }, (error, addresses) => {
      if (error) return callback(error, '')
      const allowed = addresses.filter((entry) => !guard(entry.address))
      const first = allowed[0]
      if (!first) {
        const blocked: NodeJS.ErrnoException = new Error(`forbidden address for ${hostname}`)
        blocked.code = 'EDECNETBLOCKED'
        return callback(blocked, '')
      }
      if (options.all) callback(null, allowed)
      else callback(null, first.address, first.family)
    })
  }
}

function failureOf(error: NodeJS.ErrnoException): FetchFailure {
  switch (error.code) {
    case 'EDECNETBLOCKED':
      return 'blocked'
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'resolve'
    case 'ECONNREFUSED':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'refused'
    case 'ETIMEDOUT':
      return 'timeout'
    default:
      return 'error'
  }
}

function parseUrl(text: string): URL | undefined {
  try {
    const url = new URL(text)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
    // No credentials leave DECNET: Node would turn userinfo into an Authorization header.
    url.username = ''
    url.password = ''
    return url
  } catch {
    return undefined
  }
}

type Hop = { kind: 'done'; result: FetchOutcome } | { kind: 'redirect'; location: string }

type HopOptions = {
  maxBytes: number
  deadline: number
  store: ArtifactStore
  lookup: Lookup
  userAgent: string
}

function getOnce(url: URL, options: HopOptions): Promise<Hop> {
  return new Promise((resolve) => {
    const remaining = Math.max(1, options.deadline - Date.now())
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80)
    let address = ''
    let settled = false
    const done = (result: FetchOutcome) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve({ kind: 'done', result })
    }
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      {
        method: 'GET',
        lookup: options.lookup,
        agent: false,
        headers: { 'user-agent': options.userAgent.slice(0, 100), accept: '*/*', connection: 'close' },
        // Attackers' servers rarely have valid certificates; nothing secret is sent to them.
        rejectUnauthorized: false,
      },
      (response) => void readBody(response),
    )
    const timer = setTimeout(() => {
      request.destroy()
      done({ ok: false, url: url.toString(), failure: 'timeout', address, port })
    }, remaining)
    request.on('socket', (socket) => socket.on('connect', () => (address = socket.remoteAddress ?? '')))
    request.on('error', (error: NodeJS.ErrnoException) =>
      done({ ok: false, url: url.toString(), failure: failureOf(error), address, port }),
    )
    request.end()

    async function readBody(response: IncomingMessage): Promise<void> {
      const status = response.statusCode ?? 0
      const location = response.headers.location
      if (status >= 300 && status < 400 && location) {
        response.resume()
        request.destroy()
        clearTimeout(timer)
        settled = true
        resolve({ kind: 'redirect', location })
        return
      }
      const sink = await options.store.sink(options.maxBytes)
      let finished = false
      const finish = async () => {
        if (finished) return
        finished = true
        if (settled) {
          // The deadline passed first: what came is dropped.
          await sink.abort()
          return
        }
        const stored = await sink.finish()
        done({
          ok: true,
          url: url.toString(),
          status,
          address,
          port,
          contentType: String(response.headers['content-type'] ?? '').slice(0, 100),
          size: stored.size,
          sha256: stored.sha256,
          truncated: stored.truncated,
        })
      }
      response.on('data', (chunk: Buffer) => {
        if (finished) return
        if (!sink.push(chunk)) {
          request.destroy()
          void finish()
        }
      })
      response.on('end', () => void finish())
      response.on('error', () => void finish())
      response.on('close', () => void finish())
    }
  })
}
