import { createHash } from 'node:crypto'
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { BlockList, isIP } from 'node:net'

/**
 * Real downloads for the fake shell's `wget`/`curl`: the decky fetches what the intruder asks for so
 * the sample's hash, size and name become intelligence. The bytes are hashed while they stream and
 * then dropped: nothing is written to disk, nothing is executed, nothing is shown to the intruder.
 */

/** Most bytes read from one download; the rest is cut and the download flagged `truncated`. */
export const MAX_DOWNLOAD_BYTES = 8 * 1024 * 1024
export const DOWNLOAD_TIMEOUT_MS = 15_000
const MAX_REDIRECTS = 3
const MAX_URL_CHARS = 2048

/**
 * Never fetched: the decky itself, link-local (cloud metadata services live at 169.254.169.254),
 * multicast, broadcast and unspecified addresses. Checked on the address actually connected to (the
 * lookup hook), so a name that resolves there is refused too.
 */
const FORBIDDEN = new BlockList()
FORBIDDEN.addSubnet('0.0.0.0', 8, 'ipv4')
FORBIDDEN.addSubnet('127.0.0.0', 8, 'ipv4')
FORBIDDEN.addSubnet('169.254.0.0', 16, 'ipv4')
FORBIDDEN.addSubnet('224.0.0.0', 4, 'ipv4')
FORBIDDEN.addSubnet('240.0.0.0', 4, 'ipv4')
FORBIDDEN.addAddress('::', 'ipv6')
FORBIDDEN.addAddress('::1', 'ipv6')
FORBIDDEN.addSubnet('fe80::', 10, 'ipv6')
FORBIDDEN.addSubnet('ff00::', 8, 'ipv6')

export function forbiddenAddress(address: string): boolean {
  // An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is judged as the IPv4 address it carries.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1]
  const plain = mapped ?? address
  const family = isIP(plain)
  if (family === 0) return true
  return FORBIDDEN.check(plain, family === 4 ? 'ipv4' : 'ipv6')
}

/** Most fetches one shell session makes: past it the decky is "offline" (no bandwidth for floods). */
export const MAX_DOWNLOADS_PER_SESSION = 10

/** `limit`: the session spent its MAX_DOWNLOADS_PER_SESSION; nothing was fetched. */
export type DownloadFailure = 'bad-url' | 'resolve' | 'refused' | 'timeout' | 'blocked' | 'error' | 'limit'

export type DownloadResult =
  | {
      ok: true
      /** The URL the bytes came from (after redirects). */
      url: string
      status: number
      /** Address and port connected to, as wget prints them. */
      address: string
      port: number
      contentType: string
      /** Bytes kept (at most MAX_DOWNLOAD_BYTES). */
      size: number
      sha256: string
      truncated: boolean
    }
  | { ok: false; url: string; failure: DownloadFailure; address?: string; port?: number }

export type DownloadLimits = { maxBytes?: number; timeoutMs?: number }

/** How the shell fetches a URL (tests may hand in another). */
export type Downloader = (url: string, limits?: DownloadLimits) => Promise<DownloadResult>

/** `download` limited to MAX_DOWNLOADS_PER_SESSION fetches (one budget per shell session). */
export function sessionDownloader(download: Downloader): Downloader {
  let left = MAX_DOWNLOADS_PER_SESSION
  return (url, limits) =>
    left-- > 0 ? download(url, limits) : Promise.resolve({ ok: false, url, failure: 'limit' as const })
}

/** The lookup hook: resolves like the system would, then refuses forbidden addresses. */
function guardedLookup(
  hostname: string,
  options: { family?: number | string; all?: boolean },
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
): void {
  dnsLookup(hostname, { family: Number(options.family) || 0, all: true }, (error, addresses) => {
    if (error) return callback(error, '')
    const allowed = addresses.filter((entry) => !forbiddenAddress(entry.address))
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

function failureOf(error: NodeJS.ErrnoException): DownloadFailure {
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

/** GETs `url` (http or https, certificates not checked: attackers' servers rarely have valid ones). */
export const fetchSample: Downloader = async (url, limits = {}) => {
  const maxBytes = limits.maxBytes ?? MAX_DOWNLOAD_BYTES
  const deadline = Date.now() + (limits.timeoutMs ?? DOWNLOAD_TIMEOUT_MS)
  let current = url.slice(0, MAX_URL_CHARS)
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const parsed = parseUrl(current)
    if (!parsed) return { ok: false, url: current, failure: 'bad-url' }
    // A literal address skips the lookup hook, so it is checked here.
    const literal = parsed.hostname.replace(/^\[|\]$/g, '')
    if (isIP(literal) && forbiddenAddress(literal)) return { ok: false, url: current, failure: 'blocked' }
    const outcome = await getOnce(parsed, maxBytes, deadline)
    if (outcome.kind === 'redirect') {
      current = new URL(outcome.location, parsed).toString().slice(0, MAX_URL_CHARS)
      continue
    }
    return outcome.result
  }
  return { ok: false, url: current, failure: 'error' }
}

function parseUrl(text: string): URL | undefined {
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined
  } catch {
    return undefined
  }
}

type Hop = { kind: 'done'; result: DownloadResult } | { kind: 'redirect'; location: string }

function getOnce(url: URL, maxBytes: number, deadline: number): Promise<Hop> {
  return new Promise((resolve) => {
    const remaining = Math.max(1, deadline - Date.now())
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80)
    let address = ''
    const done = (result: DownloadResult) => {
      clearTimeout(timer)
      resolve({ kind: 'done', result })
    }
    const options = {
      method: 'GET',
      lookup: guardedLookup,
      headers: { 'user-agent': 'Wget/1.21.3', accept: '*/*', connection: 'close' },
      rejectUnauthorized: false,
    }
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (response) =>
      readBody(response),
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

    function readBody(response: IncomingMessage): void {
      const status = response.statusCode ?? 0
      const location = response.headers.location
      if (status >= 300 && status < 400 && location) {
        response.resume()
        request.destroy()
        clearTimeout(timer)
        resolve({ kind: 'redirect', location })
        return
      }
      const hash = createHash('sha256')
      let size = 0
      let truncated = false
      let finished = false
      response.on('data', (chunk: Buffer) => {
        if (truncated) return
        const room = maxBytes - size
        const kept = chunk.length > room ? chunk.subarray(0, room) : chunk
        hash.update(kept)
        size += kept.length
        if (chunk.length > room) {
          truncated = true
          request.destroy()
          finish()
        }
      })
      response.on('end', finish)
      response.on('error', finish)
      function finish(): void {
        if (finished) return
        finished = true
        done({
          ok: true,
          url: url.toString(),
          status,
          address,
          port,
          contentType: String(response.headers['content-type'] ?? '').slice(0, 100),
          size,
          sha256: hash.digest('hex'),
          truncated,
        })
      }
    }
  })
}
