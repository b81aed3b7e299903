import { request } from 'node:http'
import { type FetchFailure, type FetchResult, ZFetchResult } from '@decnet/core'

/**
 * Downloads for the fake shell's `wget`/`curl`. The decoy never fetches: it asks the artifact gateway
 * (a worker beside the API, reached over a Unix socket bind-mounted into the container) which fetches
 * in its sandbox, keeps the bytes content-addressed by SHA-256 and answers what the tool needs to print
 * (status, address, size, hash, truncated). Without a gateway the decky behaves as a host with no
 * route out. The bytes never come back to the decoy, and nothing is executed.
 */

/** Wait for the gateway's answer: its fetch deadline (15 s) plus room for storing. */
export const DOWNLOAD_TIMEOUT_MS = 20_000

/** Most fetches one shell session makes: past it the decky is "offline" (no bandwidth for floods). */
export const MAX_DOWNLOADS_PER_SESSION = 10

/** `limit`: the session spent its budget or the gateway is busy; nothing was fetched. */
export type DownloadFailure = FetchFailure
export type DownloadResult = FetchResult

export type DownloadOptions = { timeoutMs?: number; tool?: 'wget' | 'curl' }

/** How the shell fetches a URL (tests may hand in another). */
export type Downloader = (url: string, options?: DownloadOptions) => Promise<DownloadResult>

/** `download` limited to MAX_DOWNLOADS_PER_SESSION fetches (one budget per shell session). */
export function sessionDownloader(download: Downloader): Downloader {
  let left = MAX_DOWNLOADS_PER_SESSION
  return (url, options) =>
    left-- > 0 ? download(url, options) : Promise.resolve({ ok: false, url, failure: 'limit' as const })
}

/** How to reach the gateway: its socket path and this decky's name and token. */
export type GatewayAddress = { socket: string; decky: string; token: string }

/** The gateway this process was given (the container's env), if any. */
export function gatewayFromEnv(env: NodeJS.ProcessEnv = process.env): GatewayAddress | undefined {
  const socket = env.DECNET_ARTIFACT_GATEWAY
  const token = env.DECNET_ARTIFACT_TOKEN
  const decky = env.DECNET_DECKY
  return socket && token && decky ? { socket, decky, token } : undefined
}

/** POSTs `body` to the gateway's `path` and returns its JSON answer (undefined when it fails). */
export function askGateway(
  gateway: GatewayAddress,
  path: string,
  body: string | Buffer,
  timeoutMs: number,
): Promise<unknown> {
  return new Promise((resolve) => {
    const call = request(
      {
        socketPath: gateway.socket,
        path,
        method: 'POST',
        headers: {
          'x-decnet-decky': gateway.decky,
          'x-decnet-token': gateway.token,
          'content-type': typeof body === 'string' ? 'application/json' : 'application/octet-stream',
          'content-length': Buffer.byteLength(body),
        },
        timeout: timeoutMs,
      },
      (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          if (text.length < 64 * 1024) text += chunk
        })
        response.on('end', () => {
          try {
            resolve(response.statusCode === 200 ? JSON.parse(text) : undefined)
          } catch {
            resolve(undefined)
          }
        })
      },
    )
    call.on('timeout', () => call.destroy())
    call.on('error', () => resolve(undefined))
    call.end(body)
  })
}

/** A Downloader through the gateway; `attackerIp` is recorded with the artifact's sighting. */
export function gatewayDownloader(gateway: GatewayAddress | undefined, attackerIp?: string): Downloader {
  return async (url, options = {}) => {
    if (!gateway) return { ok: false, url, failure: 'resolve' }
    const answer = await askGateway(
      gateway,
      '/fetch',
      JSON.stringify({
        url,
        ...(attackerIp ? { attackerIp } : {}),
        ...(options.tool ? { tool: options.tool } : {}),
      }),
      options.timeoutMs ?? DOWNLOAD_TIMEOUT_MS,
    )
    const parsed = ZFetchResult.safeParse(answer)
    return parsed.success ? parsed.data : { ok: false, url, failure: 'timeout' }
  }
}

/** The emulators' downloader: through the gateway the container was given, read at each call. */
export const fetchSample: Downloader = (url, options) => gatewayDownloader(gatewayFromEnv())(url, options)
