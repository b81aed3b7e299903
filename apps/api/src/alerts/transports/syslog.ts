// Syslog alert channel: RFC 5424 messages over UDP (RFC 5426), TCP with octet-counting framing
// (RFC 6587) or TLS (RFC 5425). TCP and TLS keep one connection open and reconnect on the next send
// after it drops. TLS trusts only the CA the operator supplies (pinning), optionally presenting a
// client certificate. Syslog has no application-level acknowledgement: a send resolves once the
// datagram is sent or the frame is handed to the kernel of a connection that was open.
import dgram from 'node:dgram'
import net from 'node:net'
import os from 'node:os'
import tls from 'node:tls'
import type { AlertMessage, Severity } from '@decnet/core'
import { z } from 'zod'
import { withoutControlCharacters } from '../format/alert-facts.ts'
import { type AlertTransport, TransportError } from '../transport.ts'

/** RFC 5424 §6.2.1 facility codes by their usual names. */
export const SYSLOG_FACILITIES = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const
type FacilityName = keyof typeof SYSLOG_FACILITIES
const FACILITY_NAMES = Object.keys(SYSLOG_FACILITIES) as [FacilityName, ...FacilityName[]]

/** How syslog travels, each by the RFC that defines it (a transport choice, not a decoy port's protocol). */
export const SYSLOG_TRANSPORTS = { udp: 'RFC 5426', tcp: 'RFC 6587', tls: 'RFC 5425' } as const
type SyslogTransportName = keyof typeof SYSLOG_TRANSPORTS
const SYSLOG_TRANSPORT_NAMES = Object.keys(SYSLOG_TRANSPORTS) as [
  SyslogTransportName,
  ...SyslogTransportName[],
]

/** An incident's severity as a syslog severity (RFC 5424 §6.2.1): notice, warning, error, critical. */
const SYSLOG_SEVERITY: Record<Severity, number> = { low: 5, medium: 4, high: 3, critical: 2 }

/**
 * The SD-ID of DECNET's structured data. DECNET has no IANA private enterprise number, so it uses
 * 32473, the number RFC 5612 reserves for documentation and examples.
 */
export const SYSLOG_SD_ID = 'decnet@32473'

/** HOSTNAME, APP-NAME and the like: printable US-ASCII without spaces (RFC 5424 §6). */
const PRINTUSASCII = /^[!-~]+$/
const PEM = z
  .string()
  .max(64 * 1024)
  .includes('-----BEGIN ')

export const ZSyslogConfig = z
  .object({
    protocol: z.enum(SYSLOG_TRANSPORT_NAMES),
    host: z.string().min(1).max(253),
    /** Default 514 for UDP/TCP, 6514 for TLS. */
    port: z.number().int().min(1).max(65535).optional(),
    facility: z.enum(FACILITY_NAMES).default('local0'),
    appName: z.string().max(48).regex(PRINTUSASCII).default('decnet'),
    /** HOSTNAME field; defaults to this machine's name. */
    hostname: z.string().max(64).regex(PRINTUSASCII).optional(),
    /** Whole message size cap in bytes; the MSG part is cut to fit (UDP: keep ≤ the path MTU budget). */
    maxMessageBytes: z.number().int().min(1024).max(65000).default(2048),
    /** TLS only: the CA that must have signed the receiver's certificate (no other CA is trusted). */
    caPem: PEM.optional(),
    /** TLS only: the name checked against the receiver's certificate when it differs from `host`. */
    serverName: z.string().max(253).optional(),
    /** TLS only: a client certificate for receivers that require one (its key is a secret). */
    clientCertPem: PEM.optional(),
  })
  .refine((c) => c.protocol !== 'tls' || c.caPem !== undefined, {
    message: 'TLS syslog needs the CA certificate of the receiver (caPem)',
    path: ['caPem'],
  })
export type SyslogConfig = z.input<typeof ZSyslogConfig>

export const ZSyslogSecrets = z.object({
  /** Private key of `clientCertPem`. */
  clientKeyPem: PEM.optional(),
})
export type SyslogSecrets = z.infer<typeof ZSyslogSecrets>

const UTF8_BOM = '\uFEFF'
/** Caps each structured-data value before escaping, so the header always leaves room for MSG. */
const SD_VALUE_MAX_BYTES = 128
const SD_URL_MAX_BYTES = 256

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text
  let bytes = 0
  let end = 0
  for (const char of text) {
    const size = Buffer.byteLength(char)
    if (bytes + size > maxBytes) break
    bytes += size
    end += char.length
  }
  return text.slice(0, end)
}

/** RFC 5424 §6.3.3: inside a PARAM-VALUE, `"`, `\` and `]` are escaped with a backslash. */
export function escapeSdParamValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`)
}

function sdElement(params: Record<string, string>): string {
  const body = Object.entries(params)
    .map(([name, value]) => {
      const cap = name === 'url' ? SD_URL_MAX_BYTES : SD_VALUE_MAX_BYTES
      return ` ${name}="${escapeSdParamValue(truncateUtf8(withoutControlCharacters(value), cap))}"`
    })
    .join('')
  return `[${SYSLOG_SD_ID}${body}]`
}

/** Renders one alert as an RFC 5424 SYSLOG-MSG of at most `maxMessageBytes` bytes. */
export function formatSyslogMessage(
  message: AlertMessage,
  options: { facility: FacilityName; appName: string; hostname: string; maxMessageBytes: number },
): string {
  const pri = SYSLOG_FACILITIES[options.facility] * 8 + SYSLOG_SEVERITY[message.severity]
  const timestamp = new Date(message.createdAt).toISOString()
  const msgId = `incident-${message.reason}`
  const header = `<${pri}>1 ${timestamp} ${options.hostname} ${options.appName} ${process.pid} ${msgId}`
  const { incident } = message
  const params: Record<string, string> = {
    incidentId: incident.id,
    severity: message.severity,
    srcIp: incident.attackerIp,
    decky: incident.decky,
    deckies: incident.deckies.join(','),
    services: incident.services.join(','),
    eventCount: String(incident.eventCount),
    reason: message.reason,
    idempotencyKey: message.idempotencyKey,
  }
  if (message.url) params.url = message.url
  const head = `${header} ${sdElement(params)} ${UTF8_BOM}`
  const budget = options.maxMessageBytes - Buffer.byteLength(head)
  const latest = message.events.at(-1)
  const text = latest ? `${message.title} | last: ${latest.service} ${latest.summary}` : message.title
  return head + truncateUtf8(withoutControlCharacters(text), Math.max(0, budget))
}

function abortError(signal: AbortSignal): TransportError {
  const reason = signal.reason instanceof Error ? signal.reason.message : 'aborted'
  return new TransportError(`syslog send aborted: ${reason}`)
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code
  const text = err instanceof Error ? err.message : String(err)
  return code && !text.includes(code) ? `${code}: ${text}` : text
}

/** One TCP or TLS connection, opened on demand and replaced after it closes. */
class StreamConnection {
  private socket: net.Socket | null = null
  private connecting: Promise<net.Socket> | null = null
  /** The socket of the attempt in flight, so close() can end it. */
  private opening: net.Socket | null = null
  private closed = false

  constructor(private readonly open: () => net.Socket) {}

  async write(frame: Buffer, signal: AbortSignal): Promise<void> {
    const socket = await this.connected(signal)
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        // A half-written frame would corrupt the framing of every later message on this socket.
        socket.destroy()
        reject(abortError(signal))
      }
      signal.addEventListener('abort', onAbort, { once: true })
      socket.write(frame, (err) => {
        signal.removeEventListener('abort', onAbort)
        if (err) reject(new TransportError(`syslog write failed: ${describe(err)}`))
        else resolve()
      })
    })
  }

  private connected(signal: AbortSignal): Promise<net.Socket> {
    if (this.closed) return Promise.reject(new TransportError('syslog transport is closed', false))
    if (signal.aborted) return Promise.reject(abortError(signal))
    const current = this.socket
    if (current && !current.destroyed && current.writable && !current.readableEnded) {
      return Promise.resolve(current)
    }
    this.socket = null
    this.connecting ??= this.connect().finally(() => {
      this.connecting = null
    })
    const attempt = this.connecting
    // Each caller waits under its own deadline. The shared attempt outlives an aborted caller (the
    // next send reuses it) and ends by itself on success, failure, its own timeout or close().
    return new Promise<net.Socket>((resolve, reject) => {
      const onAbort = () => reject(abortError(signal))
      signal.addEventListener('abort', onAbort, { once: true })
      attempt.then(
        (socket) => {
          signal.removeEventListener('abort', onAbort)
          resolve(socket)
        },
        (err: unknown) => {
          signal.removeEventListener('abort', onAbort)
          reject(err)
        },
      )
    })
  }

  /** Settles once connected (and, for TLS, once the receiver's certificate checked out). */
  private connect(): Promise<net.Socket> {
    return new Promise<net.Socket>((resolve, reject) => {
      const socket = this.open()
      this.opening = socket
      socket.once('close', () => {
        if (this.opening === socket) this.opening = null
        // Settles an attempt that close() or a timeout ended without an error (no-op once connected).
        reject(new TransportError('syslog connection closed before it was ready'))
      })
      const readyEvent = socket instanceof tls.TLSSocket ? 'secureConnect' : 'connect'
      // Connecting that takes longer than this is abandoned even if no sender is waiting any more.
      socket.setTimeout(30_000, () => socket.destroy(new Error('connect timed out')))
      const fail = (err: Error) => {
        socket.destroy()
        reject(new TransportError(`syslog connect failed: ${describe(err)}`))
      }
      socket.on('error', fail)
      socket.once(readyEvent, () => {
        this.opening = null
        socket.off('error', fail)
        socket.setTimeout(0)
        socket.setKeepAlive(true, 30_000)
        // Receivers never talk back; reading keeps 'end' (their close) observable.
        socket.on('data', () => {})
        socket.on('error', () => socket.destroy())
        socket.on('close', () => {
          if (this.socket === socket) this.socket = null
        })
        if (this.closed) {
          socket.destroy()
          reject(new TransportError('syslog transport is closed', false))
          return
        }
        this.socket = socket
        resolve(socket)
      })
    })
  }

  async close(): Promise<void> {
    this.closed = true
    this.opening?.destroy()
    const socket = this.socket
    this.socket = null
    if (!socket || socket.destroyed) return
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve())
      socket.end()
      setTimeout(() => socket.destroy(), 2_000).unref()
    })
  }
}

/** Datagrams: one message per datagram, no framing (RFC 5426). */
class DatagramSender {
  private socket: dgram.Socket | null = null

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  send(payload: Buffer, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(abortError(signal))
    if (!this.socket) {
      this.socket = dgram.createSocket(net.isIPv6(this.host) ? 'udp6' : 'udp4')
      this.socket.on('error', () => {})
      this.socket.unref()
    }
    const socket = this.socket
    return new Promise<void>((resolve, reject) => {
      socket.send(payload, this.port, this.host, (err) => {
        if (err) reject(new TransportError(`syslog datagram failed: ${describe(err)}`))
        else resolve()
      })
    })
  }

  async close(): Promise<void> {
    const socket = this.socket
    this.socket = null
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()))
  }
}

export function createSyslogTransport(config: SyslogConfig, secrets: SyslogSecrets = {}): AlertTransport {
  const c = ZSyslogConfig.parse(config)
  const s = ZSyslogSecrets.parse(secrets)
  const port = c.port ?? (c.protocol === 'tls' ? 6514 : 514)
  const format = {
    facility: c.facility,
    appName: c.appName,
    hostname: c.hostname ?? (truncateUtf8(os.hostname().replace(/[^!-~]/g, ''), 64) || '-'),
    maxMessageBytes: c.maxMessageBytes,
  }

  if (c.protocol === 'udp') {
    const sender = new DatagramSender(c.host, port)
    return {
      send: (message, signal) => sender.send(Buffer.from(formatSyslogMessage(message, format)), signal),
      close: () => sender.close(),
    }
  }

  if ((c.clientCertPem === undefined) !== (s.clientKeyPem === undefined)) {
    throw new TransportError('a syslog client certificate needs its key, and a key its certificate', false)
  }
  const servername = c.serverName ?? (net.isIP(c.host) ? undefined : c.host)
  const connection = new StreamConnection(() =>
    c.protocol === 'tcp'
      ? net.connect({ host: c.host, port })
      : tls.connect({
          host: c.host,
          port,
          servername,
          // Only the operator's CA: the system trust store is not consulted (CA pinning).
          ca: [c.caPem!],
          cert: c.clientCertPem,
          key: s.clientKeyPem,
          rejectUnauthorized: true,
          minVersion: 'TLSv1.2',
          // With serverName set and an IP host, the certificate is checked against that name.
          checkServerIdentity: (_host, cert) => tls.checkServerIdentity(c.serverName ?? c.host, cert),
        }),
  )
  return {
    async send(message, signal) {
      const msg = Buffer.from(formatSyslogMessage(message, format))
      // RFC 6587 §3.4.1 octet counting: "MSG-LEN SP SYSLOG-MSG", so messages may hold any byte.
      await connection.write(Buffer.concat([Buffer.from(`${msg.length} `), msg]), signal)
    },
    close: () => connection.close(),
  }
}
