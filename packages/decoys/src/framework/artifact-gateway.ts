import { type ClientRequest, request } from 'node:http'
import { type ArtifactSource, type StoredArtifact, ZStoredArtifact } from '@decnet/core'

/**
 * The decoys' client of the artifact gateway (a worker beside the API, reached over a Unix socket
 * bind-mounted read-only into the container; see packages/lifecycle/src/artifacts/gateway.ts): the
 * shell's downloads ask it to fetch, and what attackers send (scp, FTP STOR, HTTP bodies, mail) is
 * streamed to it to be kept by SHA-256. Without a gateway (the local engine, an enrolled host) these
 * do nothing and the emulators still record their events with the hash they computed.
 */

/** How to reach the gateway: its socket path and this decky's name and token. */
export type GatewayAddress = { socket: string; decky: string; token: string }

/** Bytes of one upload forwarded to the gateway (its store keeps the same head and marks the cut). */
export const MAX_FORWARDED_BYTES = 8 * 1024 * 1024

/** The gateway this process was given (the container's env), if any. */
export function gatewayFromEnv(env: NodeJS.ProcessEnv = process.env): GatewayAddress | undefined {
  const socket = env.DECNET_ARTIFACT_GATEWAY
  const token = env.DECNET_ARTIFACT_TOKEN
  const decky = env.DECNET_DECKY
  return socket && token && decky ? { socket, decky, token } : undefined
}

function post(
  gateway: GatewayAddress,
  path: string,
  headers: Record<string, string | number>,
  timeoutMs: number,
  onAnswer: (answer: unknown) => void,
): ClientRequest {
  const call = request(
    {
      socketPath: gateway.socket,
      path,
      method: 'POST',
      headers: { 'x-decnet-decky': gateway.decky, 'x-decnet-token': gateway.token, ...headers },
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
          onAnswer(response.statusCode === 200 ? JSON.parse(text) : undefined)
        } catch {
          onAnswer(undefined)
        }
      })
    },
  )
  call.on('timeout', () => call.destroy())
  call.on('error', () => onAnswer(undefined))
  return call
}

/** POSTs `body` to the gateway's `path` and returns its JSON answer (undefined when it fails). */
export function askGateway(
  gateway: GatewayAddress,
  path: string,
  body: string | Buffer,
  timeoutMs: number,
): Promise<unknown> {
  return new Promise((resolve) => {
    const headers = {
      'content-type': typeof body === 'string' ? 'application/json' : 'application/octet-stream',
      'content-length': Buffer.byteLength(body),
    }
    post(gateway, path, headers, timeoutMs, resolve).end(body)
  })
}

/** One upload streamed to the gateway as it arrives. */
export type ArtifactUpload = {
  write(chunk: Buffer): void
  /** Ends the upload; resolves with what the gateway stored (undefined without a gateway or on failure). */
  end(): Promise<StoredArtifact | undefined>
}

const NO_UPLOAD: ArtifactUpload = { write: () => undefined, end: () => Promise.resolve(undefined) }

export function startUpload(
  source: ArtifactSource,
  name: string,
  attackerIp: string | undefined,
  gateway: GatewayAddress | undefined = gatewayFromEnv(),
): ArtifactUpload {
  if (!gateway) return NO_UPLOAD
  const query = new URLSearchParams({
    source,
    name: name.slice(0, 2048),
    ...(attackerIp ? { attacker: attackerIp } : {}),
  })
  let resolveAnswer: (answer: unknown) => void = () => undefined
  const answer = new Promise<unknown>((resolve) => {
    resolveAnswer = resolve
  })
  const call = post(
    gateway,
    `/upload?${query}`,
    { 'content-type': 'application/octet-stream' },
    60_000,
    (a) => resolveAnswer(a),
  )
  let forwarded = 0
  return {
    write(chunk) {
      const room = MAX_FORWARDED_BYTES + 1 - forwarded
      if (room <= 0 || call.destroyed) return
      // One byte past the cap is sent so the gateway's store sees the cut and marks it truncated.
      const piece = chunk.length > room ? chunk.subarray(0, room) : chunk
      forwarded += piece.length
      call.write(piece)
    },
    async end() {
      call.end()
      const parsed = ZStoredArtifact.safeParse(await answer)
      return parsed.success ? parsed.data : undefined
    },
  }
}
