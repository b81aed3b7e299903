// Email alert channel: one multipart/alternative message (plain text + HTML) per alert over SMTP,
// always encrypted (STARTTLS required, or implicit TLS), optionally authenticated, optionally trusting
// only an operator-supplied CA. Each send opens its own SMTP session, so an aborted send simply closes
// it. A re-sent alert is recognisable: its Message-ID and X-DECNET-Idempotency-Key header derive from
// the idempotency key, and its Date from the alert's creation time.
import { createHash } from 'node:crypto'
import os from 'node:os'
import type { AlertMessage } from '@decnet/core'
import MailComposer from 'nodemailer/lib/mail-composer'
import SMTPConnection from 'nodemailer/lib/smtp-connection'
import { z } from 'zod'
import { withoutControlCharacters } from '../format/alert-facts.ts'
import { renderAlertHtml } from '../format/html.ts'
import { renderAlertText } from '../format/plain-text.ts'
import { type AlertTransport, TransportError } from '../transport.ts'

const PEM = z
  .string()
  .max(64 * 1024)
  .includes('-----BEGIN ')
const ZAddress = z.email().max(254)
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/

export const ZEmailConfig = z.object({
  host: z.string().min(1).max(253),
  /** Default 587 for STARTTLS, 465 for implicit TLS. */
  port: z.number().int().min(1).max(65535).optional(),
  /** `starttls`: plain connect, then STARTTLS is required (no fallback to plaintext). `tls`: TLS from the first byte. */
  security: z.enum(['starttls', 'tls']).default('starttls'),
  /** When set, the server's certificate must chain to this CA (the system trust store is not used). */
  caPem: PEM.optional(),
  /** Name checked against the server's certificate when it differs from `host`. */
  serverName: z.string().max(253).optional(),
  /** SMTP AUTH user; its password is a secret. No username: no AUTH. */
  username: z.string().min(1).max(256).regex(NO_CONTROL_CHARACTERS).optional(),
  from: ZAddress,
  to: z.array(ZAddress).min(1).max(50),
  /** Header text: control characters (a CRLF would inject headers) are refused. */
  subjectPrefix: z.string().max(64).regex(NO_CONTROL_CHARACTERS).default('[DECNET]'),
})
export type EmailConfig = z.input<typeof ZEmailConfig>

export const ZEmailSecrets = z.object({
  password: z.string().max(1024).optional(),
})
export type EmailSecrets = z.infer<typeof ZEmailSecrets>

const SUBJECT_TITLE_MAX = 160

/** Subject: prefix, upper-case severity, then the alert's title without control characters. */
export function alertSubject(message: AlertMessage, prefix: string): string {
  const title = withoutControlCharacters(message.title)
  const cut = title.length > SUBJECT_TITLE_MAX ? `${title.slice(0, SUBJECT_TITLE_MAX - 1)}…` : title
  const test = message.reason === 'test' ? ' (test)' : ''
  return `${prefix ? `${prefix} ` : ''}${message.severity.toUpperCase()}${test}: ${cut}`
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 32)
}

/**
 * The same alert always gets the same Message-ID (a hash of its idempotency key, so the key's
 * characters never have to be valid in a header); every alert of an incident references one id,
 * so mail clients thread them.
 */
export function alertMessageId(message: AlertMessage, fromAddress: string): string {
  const domain = fromAddress.split('@')[1] ?? 'decnet.invalid'
  return `<alert.${digest(message.idempotencyKey)}@${domain}>`
}

function incidentThreadId(message: AlertMessage, fromAddress: string): string {
  const domain = fromAddress.split('@')[1] ?? 'decnet.invalid'
  return `<incident.${digest(message.incident.id)}@${domain}>`
}

/** The full RFC 5322 message for one alert, and its envelope. */
export async function composeAlertEmail(
  message: AlertMessage,
  config: z.infer<typeof ZEmailConfig>,
): Promise<Buffer> {
  const thread = incidentThreadId(message, config.from)
  const composer = new MailComposer({
    from: config.from,
    to: config.to,
    subject: alertSubject(message, config.subjectPrefix),
    messageId: alertMessageId(message, config.from),
    date: new Date(message.createdAt),
    inReplyTo: thread,
    references: thread,
    priority: message.severity === 'critical' || message.severity === 'high' ? 'high' : 'normal',
    text: renderAlertText(message),
    html: renderAlertHtml(message),
    headers: {
      'X-DECNET-Idempotency-Key': withoutControlCharacters(message.idempotencyKey),
      'X-DECNET-Incident-Id': withoutControlCharacters(message.incident.id),
      'X-DECNET-Severity': message.severity,
      'Auto-Submitted': 'auto-generated',
    },
    // Alert content never pulls files or URLs into the message.
    disableFileAccess: true,
    disableUrlAccess: true,
  })
  return composer.compile().build()
}

type SmtpFailure = Error & { code?: string; command?: string; permanent?: boolean; responseCode?: number }

/** The server refusing this message or its recipients for good cannot be helped by retrying. */
function toTransportError(err: unknown): TransportError {
  const failure = err as SmtpFailure
  const text = err instanceof Error ? err.message : String(err)
  const where = failure.command ? ` (${failure.command})` : ''
  const message = `SMTP delivery failed${where}: ${failure.code && !text.includes(failure.code) ? `${failure.code}: ` : ''}${text}`
  const refusedMessage = failure.permanent === true && /^(MAIL|RCPT|DATA)/i.test(failure.command ?? '')
  return new TransportError(message, !refusedMessage)
}

export function createEmailTransport(config: EmailConfig, secrets: EmailSecrets = {}): AlertTransport {
  const c = ZEmailConfig.parse(config)
  const s = ZEmailSecrets.parse(secrets)
  const implicitTls = c.security === 'tls'
  const open = new Set<SMTPConnection>()
  let closed = false

  async function deliver(connection: SMTPConnection, raw: Buffer): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      connection.connect((err) => (err ? reject(err) : resolve()))
    })
    if (c.username !== undefined) {
      await new Promise<void>((resolve, reject) => {
        connection.login({ user: c.username, pass: s.password ?? '' }, (err) =>
          err ? reject(err) : resolve(),
        )
      })
    }
    await new Promise<void>((resolve, reject) => {
      connection.send({ from: c.from, to: c.to }, raw, (err) => (err ? reject(err) : resolve()))
    })
    // Accepted: say goodbye politely (the connection closes itself after QUIT).
    connection.quit()
  }

  return {
    async send(message, signal) {
      if (closed) throw new TransportError('email transport is closed', false)
      if (signal.aborted) throw new TransportError('SMTP delivery aborted before it started')
      const raw = await composeAlertEmail(message, c)
      const connection = new SMTPConnection({
        host: c.host,
        port: c.port ?? (implicitTls ? 465 : 587),
        secure: implicitTls,
        requireTLS: !implicitTls,
        servername: c.serverName,
        name: os.hostname(),
        connectionTimeout: 30_000,
        greetingTimeout: 30_000,
        socketTimeout: 60_000,
        socketCloseTimeout: 2_000,
        logger: false,
        tls: {
          ca: c.caPem ? [c.caPem] : undefined,
          servername: c.serverName,
          rejectUnauthorized: true,
          minVersion: 'TLSv1.2',
        },
      })
      open.add(connection)
      // Failures before the SMTP handshake completes (TLS verification, a refused STARTTLS) arrive
      // only as 'error' events, so they end the send as much as the signal does.
      const interrupted = new Promise<never>((_resolve, reject) => {
        const onAbort = () => reject(new TransportError('SMTP delivery aborted'))
        signal.addEventListener('abort', onAbort, { once: true })
        connection.on('error', reject)
        connection.once('end', () => {
          signal.removeEventListener('abort', onAbort)
          reject(new Error('the server closed the connection'))
        })
      })
      interrupted.catch(() => {})
      try {
        await Promise.race([deliver(connection, raw), interrupted])
      } catch (err) {
        connection.close()
        if (err instanceof TransportError) throw err
        throw toTransportError(err)
      } finally {
        open.delete(connection)
      }
    },
    async close() {
      closed = true
      for (const connection of open) connection.close()
      open.clear()
    },
  }
}
