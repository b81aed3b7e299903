import { type FetchFailure, type FetchResult, ZFetchResult } from '@decnet/core'
import { askGateway, type GatewayAddress, gatewayFromEnv } from '../../framework/artifact-gateway.ts'

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
