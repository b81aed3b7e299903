import { createServer, type Server, type Socket } from 'node:net'
import { createServer as createTlsServer, type SecureContextOptions } from 'node:tls'
import type { DecoyEvent, EmulatorContext } from '../emulator.ts'
import { clientHelloFields } from '../fingerprints/fields.ts'
import { peekClientHello } from '../fingerprints/tls-tap.ts'
import { peerAddress } from './events.ts'
import { peerOfResetSocket } from './peer-name.ts'
import { guardSocket } from './service-scope.ts'

export type Fields = DecoyEvent['fields']

/** One accepted TCP connection, with the peer already resolved for event attribution. */
export type TcpSession = {
  readonly socket: Socket
  readonly ip: string
  readonly port: number
  /** Emits an event attributed to this peer. */
  emit(event: string, fields?: Fields, secretFields?: string[]): void
  /** Writes unless the socket is already gone (a dropped peer must never throw into a handler). */
  write(data: string | Uint8Array): void
  /** Writes `data` (if any), then half-closes; the idle timer reaps a peer that never closes. */
  end(data?: string | Uint8Array): void
  /**
   * Records that this connection hit a cap and data was cut or refused (`limit_reached` event with
   * `limit` and `max`, once per limit per connection; the `disconnect` event lists them all), so an
   * analyst knows the record is incomplete.
   */
  limitReached(limit: string, max: number): void
}

/** What a protocol does with a connection. Give `onLine` for text protocols, `onData` for binary ones. */
export type TcpHandler = {
  onData?(chunk: Buffer): void
  /** A complete line without its CR/LF; `truncated` when it exceeded `maxLineBytes` and was cut. */
  onLine?(line: string, truncated: boolean): void
  onClose?(): void
}

export type TcpListenOptions = {
  ctx: EmulatorContext
  port: number
  /** Defaults to `ctx.bindAddress`. */
  host?: string
  /**
   * Concurrent connections beyond this are closed immediately (default 512), and counted in a
   * `limit_reached` event (`limit: 'connections'`) per peer address and REFUSAL_REPORT_MS.
   */
  maxConnections?: number
  /** A connection silent for this long is closed: slowloris-style clients cannot pin sockets (default 60 s). */
  idleTimeoutMs?: number
  /** Longest line kept; the rest of an oversized line is discarded up to its newline (default 8 KiB). */
  maxLineBytes?: number
  /** Serve implicit TLS (imaps, pop3s, https) with this certificate and key. */
  tls?: SecureContextOptions
  /** Emit `connect`/`disconnect` events (default true). */
  connectionEvents?: boolean
  handle(session: TcpSession): TcpHandler | undefined
}

export type TcpListener = {
  /** The port actually bound (differs from the requested one when that was 0). */
  port: number
  connectionCount(): number
  close(): Promise<void>
}

export const DEFAULT_MAX_CONNECTIONS = 512
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000
export const DEFAULT_MAX_LINE_BYTES = 8 * 1024
export const DEFAULT_MAX_SESSION_MS = 60 * 60_000
/** Events one connection may emit; beyond it they are counted, not emitted (a pipelining flood). */
export const DEFAULT_MAX_EVENTS_PER_CONNECTION = 10_000
/**
 * Replies queued for a peer that does not read them; beyond this the connection stops being read
 * until they drain, so pipelined requests cannot make us buffer replies without bound.
 */
export const DEFAULT_MAX_PENDING_OUTPUT_BYTES = 1024 * 1024

/** Connections refused at the cap are reported at most once per peer address in this window. */
export const REFUSAL_REPORT_MS = 1_000
/** Peer addresses counted apart per window; the rest of a wider flood is counted in one more event. */
export const MAX_REFUSING_PEERS = 64

type Peer = { ip: string; port: number }

/**
 * Records connections refused at the connection cap: never silent (an analyst must know connections
 * were turned away, or a flood looks like fewer connections than it was), yet bounded, since each
 * event says how many a peer had refused in the window (`refused`) instead of one event each.
 */
function refusalRecorder(ctx: EmulatorContext, max: number) {
  const pending = new Map<string, { port: number; refused: number }>()
  let overflow: { peer: Peer; refused: number; peers: Set<string> } | undefined
  let timer: NodeJS.Timeout | undefined
  const report = (peer: Peer, fields: Fields) =>
    ctx.emit({
      event: 'limit_reached',
      src_ip: peer.ip,
      src_port: peer.port,
      fields: { limit: 'connections', max, ...fields },
    })
  const flush = () => {
    clearTimeout(timer)
    timer = undefined
    for (const [ip, { port, refused }] of pending) report({ ip, port }, { refused })
    pending.clear()
    if (overflow) report(overflow.peer, { refused: overflow.refused, other_peers: overflow.peers.size })
    overflow = undefined
  }
  return {
    refuse(peer: Peer) {
      const known = pending.get(peer.ip)
      if (known) known.refused++
      else if (pending.size < MAX_REFUSING_PEERS) pending.set(peer.ip, { port: peer.port, refused: 1 })
      else {
        overflow ??= { peer, refused: 0, peers: new Set() }
        overflow.refused++
        if (overflow.peers.size < MAX_REFUSING_PEERS) overflow.peers.add(peer.ip)
      }
      if (!timer) {
        timer = setTimeout(flush, REFUSAL_REPORT_MS)
        timer.unref()
      }
    },
    /** Reports what is still counted (the listener is closing). */
    flush,
  }
}

export async function listenTcp(options: TcpListenOptions): Promise<TcpListener> {
  const { ctx } = options
  const maxConnections = options.maxConnections ?? ctx.limits?.maxConnections ?? DEFAULT_MAX_CONNECTIONS
  const idleTimeoutMs = options.idleTimeoutMs ?? ctx.limits?.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS
  const maxSessionMs = ctx.limits?.maxSessionMs ?? DEFAULT_MAX_SESSION_MS
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES
  const maxEvents = ctx.limits?.maxEventsPerConnection ?? DEFAULT_MAX_EVENTS_PER_CONNECTION
  const maxPendingOutput = ctx.limits?.maxPendingOutputBytes ?? DEFAULT_MAX_PENDING_OUTPUT_BYTES
  const connectionEvents = options.connectionEvents ?? true
  const sockets = new Set<Socket>()
  const refusals = refusalRecorder(ctx, maxConnections)

  const onSocket = (socket: Socket) => {
    if (sockets.size >= maxConnections) {
      refusals.refuse(peerOf(socket))
      socket.destroy()
      return
    }
    guardSocket(socket)
    sockets.add(socket)
    const { ip, port } = peerOf(socket)
    const openedAt = Date.now()
    let bytesIn = 0
    let eventsEmitted = 0
    let eventsSuppressed = 0
    const limitsReached = new Set<string>()
    const emitAttributed = (event: string, fields: Fields, secretFields?: string[]) =>
      ctx.emit({
        event,
        src_ip: ip,
        src_port: port,
        fields,
        ...(secretFields?.length ? { secret_fields: secretFields } : {}),
      })
    const session: TcpSession = {
      socket,
      ip,
      port,
      emit: (event, fields = {}, secretFields) => {
        if (eventsEmitted >= maxEvents) {
          eventsSuppressed++
          session.limitReached('events', maxEvents)
          return
        }
        eventsEmitted++
        emitAttributed(event, fields, secretFields)
      },
      write: (data) => {
        if (!socket.writable) return
        socket.write(data)
        if (socket.writableLength > maxPendingOutput && !socket.isPaused()) {
          session.limitReached('pending_output_bytes', maxPendingOutput)
          socket.pause()
          socket.once('drain', () => socket.resume())
        }
      },
      end: (data) => {
        if (!socket.writable) return
        if (data === undefined) socket.end()
        else socket.end(data)
      },
      limitReached: (limit, max) => {
        if (limitsReached.has(limit)) return
        limitsReached.add(limit)
        // Outside the event budget: the record of the cut must not itself be cut.
        emitAttributed('limit_reached', { limit, max })
      },
    }
    socket.setNoDelay(true)
    socket.setTimeout(idleTimeoutMs, () => socket.destroy())
    const lifetime = setTimeout(() => socket.destroy(), maxSessionMs)
    lifetime.unref()
    // Resets and write-after-close are routine with scanners; they must never reach the process.
    socket.on('error', () => undefined)
    if (connectionEvents) session.emit('connect', { local_port: socket.localPort ?? 0 })
    let handler: TcpHandler
    try {
      handler = options.handle(session) ?? {}
    } catch {
      // A bug reached on connect costs this connection, never the listener.
      clearTimeout(lifetime)
      sockets.delete(socket)
      socket.destroy()
      return
    }
    const onLine = handler.onLine
    const lineReader = onLine
      ? createLineReader(maxLineBytes, (line, truncated) => {
          if (truncated) session.limitReached('line_bytes', maxLineBytes)
          onLine(line, truncated)
        })
      : undefined
    if (handler.onData || lineReader) {
      socket.on('data', (chunk: Buffer) => {
        bytesIn += chunk.length
        try {
          handler.onData?.(chunk)
          lineReader?.(chunk)
        } catch {
          // Input an emulator did not foresee ends that connection, never the process.
          socket.destroy()
        }
      })
    }
    socket.on('close', () => {
      clearTimeout(lifetime)
      sockets.delete(socket)
      handler.onClose?.()
      if (connectionEvents) {
        emitAttributed('disconnect', {
          duration_ms: Date.now() - openedAt,
          bytes_in: bytesIn || socket.bytesRead,
          ...(limitsReached.size > 0
            ? { truncated: true, limits_reached: [...limitsReached].join(',') }
            : {}),
          ...(eventsSuppressed > 0 ? { events_suppressed: eventsSuppressed } : {}),
        })
      }
    })
  }
  const handshakeTimeoutMs = Math.min(idleTimeoutMs, 10_000)
  const tlsServer = options.tls
    ? createTlsServer({ ...options.tls, handshakeTimeout: handshakeTimeoutMs }, onSocket)
    : undefined
  // TLS: the raw socket is accepted here, its ClientHello read and fingerprinted (Node's TLS stack
  // never shows it), then the socket is handed to the TLS server as if it had accepted it.
  const server: Server = createServer(
    tlsServer ? (socket) => fingerprintThenHandshake(socket, tlsServer) : onSocket,
  )
  /** Raw sockets handed to the TLS server (until they close), by peer: a failed handshake closes them. */
  const handshaking = new Map<string, Socket>()
  /** Sockets whose ClientHello is still being read: they count against the connection cap too. */
  let peeking = 0
  const fingerprintThenHandshake = (socket: Socket, handshake: Server) => {
    if (handshaking.size + peeking >= maxConnections) {
      refusals.refuse(peerOf(socket))
      socket.destroy()
      return
    }
    const peer = peerOf(socket)
    socket.on('error', () => undefined)
    peeking++
    void peekClientHello(socket, handshakeTimeoutMs).then(({ hello, timedOut, hungUp }) => {
      peeking--
      // Hung up before a hello: no protocol mismatch, as a reset around the handshake is none.
      if (hungUp) {
        socket.destroy()
        return
      }
      if (timedOut) {
        // The handshake time is spent: refused as the TLS server's own timeout would refuse it.
        socket.destroy()
        reportHandshakeFailure(peer, 'ERR_TLS_HANDSHAKE_TIMEOUT')
        return
      }
      if (hello) {
        ctx.emit({
          event: 'tls_client_hello',
          src_ip: peer.ip,
          src_port: peer.port,
          fields: clientHelloFields(hello),
        })
      }
      if (socket.destroyed) return
      const key = `${peer.ip}|${peer.port}`
      handshaking.set(key, socket)
      socket.once('close', () => handshaking.delete(key))
      handshake.emit('connection', socket)
    })
  }
  const reportHandshakeFailure = (peer: { ip: string; port: number }, error: string) =>
    ctx.emit({
      event: 'scan',
      src_ip: peer.ip,
      src_port: peer.port,
      fields: { reason: 'tls_handshake_failed', error },
    })
  server.on('error', () => undefined)
  // A failed TLS handshake is a probe (plain-text scanner, TLS fingerprinting): record it, never throw.
  tlsServer?.on('tlsClientError', (error: Error & { code?: string }, socket: Socket) => {
    const peer = peerOf(socket)
    // Node reports the failure but may leave the TCP connection open: a peer that stalls or sends
    // garbage would hold it for as long as it likes.
    socket.destroy()
    handshaking.get(`${peer.ip}|${peer.port}`)?.destroy()
    // A peer that hangs up around the handshake (certificate grabbers) is no protocol mismatch.
    if (error.code === 'ECONNRESET') return
    reportHandshakeFailure(peer, error.code ?? error.message.slice(0, 120))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port: options.port, host: options.host ?? ctx.bindAddress }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    connectionCount: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        refusals.flush()
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/**
 * The peer of a just-accepted socket, taken before any await. A peer that already reset is still
 * attributed: getpeername fails then, SO_PEERNAME does not (see peer-name.ts).
 */
function peerOf(socket: Socket): { ip: string; port: number } {
  const reset = socket.remoteAddress === undefined ? peerOfResetSocket(socket) : undefined
  return { ip: peerAddress(socket.remoteAddress ?? reset?.ip), port: socket.remotePort ?? reset?.port ?? 0 }
}

/**
 * Splits a byte stream into lines (LF or CRLF), holding at most `maxLineBytes` of a pending line.
 * An oversized line is delivered once, cut and flagged, and its remainder is dropped until the next
 * newline: memory per connection stays bounded whatever the peer sends.
 */
export function createLineReader(
  maxLineBytes: number,
  onLine: (line: string, truncated: boolean) => void,
): (chunk: Buffer) => void {
  let pending: Buffer[] = []
  let pendingBytes = 0
  let discarding = false
  const flush = (truncated: boolean) => {
    const line = Buffer.concat(pending, pendingBytes).toString('utf8')
    pending = []
    pendingBytes = 0
    onLine(line.endsWith('\r') ? line.slice(0, -1) : line, truncated)
  }
  return (chunk) => {
    let start = 0
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start)
      const end = newline === -1 ? chunk.length : newline
      if (!discarding) {
        const room = maxLineBytes - pendingBytes
        const piece = chunk.subarray(start, Math.min(end, start + room))
        if (piece.length > 0) {
          pending.push(piece)
          pendingBytes += piece.length
        }
        if (end - start > room) {
          flush(true)
          discarding = true
        } else if (newline !== -1) {
          flush(false)
        }
      }
      if (newline === -1) break
      if (discarding) discarding = false
      start = newline + 1
    }
  }
}
