import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { join } from 'node:path'
import {
  type ArtifactSource,
  type FetchResult,
  MAX_ARTIFACT_NAME_CHARS,
  type StoredArtifact,
  ZArtifactSource,
  ZFetchRequest,
} from '@decnet/core'
import type { DecnetDatabase } from '@decnet/db'
import type { Fetcher } from './fetcher.ts'
import type { ArtifactStore } from './store.ts'

/**
 * The artifact gateway: the one door from the decoys to the fetcher and the artifact store. It
 * listens on a Unix socket in a directory bind-mounted (read-only) into every service container, so
 * no decky gets a network path to DECNET. A decoy names its decky and proves it with a token
 * (HMAC of the installation's gateway key over the decky name, handed to its container), so one decky
 * cannot file artifacts as another.
 *
 * - `POST /fetch` (JSON `FetchRequest`) → `FetchResult`: the fetcher fetches, the bytes are stored.
 * - `POST /upload?source=…&name=…&attacker=…` (the bytes as body) → `StoredArtifact`.
 */

/** Where the gateway's socket lives inside a service container. */
export const CONTAINER_GATEWAY_DIR = '/run/decnet-artifacts'
export const GATEWAY_SOCKET_NAME = 'gateway.sock'
/** Fetches and uploads handled at once, all deckies together; more are refused (`limit`). */
export const MAX_GATEWAY_CONCURRENCY = 8
const MAX_FETCH_REQUEST_BYTES = 8 * 1024

export type GatewayPaths = { dir: string; socket: string; keyFile: string; storeDir: string }

export function artifactPaths(dataDir: string): GatewayPaths {
  const dir = join(dataDir, 'artifact-gateway')
  return {
    dir,
    socket: join(dir, GATEWAY_SOCKET_NAME),
    keyFile: join(dataDir, 'artifact-gateway.key'),
    storeDir: join(dataDir, 'artifacts'),
  }
}

/** The installation's gateway key (created on first use, 0600 beside the database). */
export function gatewayKey(paths: GatewayPaths): Buffer {
  if (!existsSync(paths.keyFile)) {
    try {
      writeFileSync(paths.keyFile, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' })
    } catch (error) {
      // Another process created it first: read theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
  return Buffer.from(readFileSync(paths.keyFile, 'utf8').trim(), 'hex')
}

export function deckyToken(key: Buffer, decky: string): string {
  return createHmac('sha256', key).update(`artifact-gateway/${decky}`).digest('hex')
}

/** What a service container needs to reach the gateway: a bind mount and two env entries. */
export type GatewayAttachment = { hostDir: string; tokenFor(decky: string): string }

export function gatewayAttachment(dataDir: string): GatewayAttachment {
  const paths = artifactPaths(dataDir)
  const key = gatewayKey(paths)
  return { hostDir: paths.dir, tokenFor: (decky) => deckyToken(key, decky) }
}

export type GatewayOptions = {
  paths: GatewayPaths
  db: DecnetDatabase
  store: ArtifactStore
  fetcher: Fetcher
  log?(message: string): void
}

export type ArtifactGateway = { socket: string; close(): Promise<void> }

export async function startArtifactGateway(options: GatewayOptions): Promise<ArtifactGateway> {
  const { paths, db, store, fetcher } = options
  mkdirSync(paths.dir, { recursive: true, mode: 0o755 })
  // The service containers run as uid 65534: they must be able to traverse it and connect.
  chmodSync(paths.dir, 0o755)
  if (existsSync(paths.socket)) unlinkSync(paths.socket)
  const key = gatewayKey(paths)
  let busy = 0

  const deckyOf = (request: IncomingMessage): string | undefined => {
    const decky = String(request.headers['x-decnet-decky'] ?? '')
    const token = Buffer.from(String(request.headers['x-decnet-token'] ?? ''))
    const expected = Buffer.from(deckyToken(key, decky))
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(decky)) return undefined
    return token.length === expected.length && timingSafeEqual(token, expected) ? decky : undefined
  }

  const answer = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  }

  const handleFetch = async (decky: string, request: IncomingMessage, response: ServerResponse) => {
    const parsed = ZFetchRequest.safeParse(await readJson(request))
    if (!parsed.success) return answer(response, 400, { error: 'bad request' })
    const { url, attackerIp, tool } = parsed.data
    const result: FetchResult =
      busy > MAX_GATEWAY_CONCURRENCY
        ? { ok: false, url, failure: 'limit' }
        : await fetcher(url, tool === 'curl' ? 'curl/7.88.1' : 'Wget/1.21.3')
    if (result.ok)
      await db.artifacts.record({
        sha256: result.sha256,
        size: result.size,
        truncated: result.truncated,
        decky,
        source: 'download',
        name: url,
        attackerIp: attackerIp ?? null,
      })
    answer(response, 200, result)
  }

  const handleUpload = async (
    decky: string,
    request: IncomingMessage,
    response: ServerResponse,
    query: URLSearchParams,
  ) => {
    const source = ZArtifactSource.safeParse(query.get('source') ?? 'upload')
    if (!source.success || busy > MAX_GATEWAY_CONCURRENCY) {
      request.resume()
      return answer(response, source.success ? 429 : 400, { error: 'refused' })
    }
    const sink = await store.sink()
    let stored: StoredArtifact
    try {
      for await (const chunk of request) if (!sink.push(chunk as Buffer)) break
      stored = await sink.finish()
    } catch (error) {
      await sink.abort()
      throw error
    }
    request.resume()
    await db.artifacts.record({
      ...stored,
      decky,
      source: source.data as ArtifactSource,
      name: (query.get('name') ?? '').slice(0, MAX_ARTIFACT_NAME_CHARS),
      attackerIp: query.get('attacker')?.slice(0, 64) || null,
    })
    answer(response, 200, stored)
  }

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://gateway')
    const decky = deckyOf(request)
    if (!decky || request.method !== 'POST') {
      request.resume()
      return answer(response, 403, { error: 'forbidden' })
    }
    busy++
    const work =
      url.pathname === '/fetch'
        ? handleFetch(decky, request, response)
        : url.pathname === '/upload'
          ? handleUpload(decky, request, response, url.searchParams)
          : Promise.resolve(answer(response, 404, { error: 'not found' }))
    work
      .catch((error: unknown) => {
        options.log?.(`artifact gateway: ${(error as Error).message}`)
        if (!response.headersSent) answer(response, 500, { error: 'failed' })
        else response.destroy()
      })
      .finally(() => busy--)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(paths.socket, () => resolve())
  })
  chmodSync(paths.socket, 0o666)
  return {
    socket: paths.socket,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  let text = ''
  for await (const chunk of request) {
    text += String(chunk)
    if (text.length > MAX_FETCH_REQUEST_BYTES) return undefined
  }
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
