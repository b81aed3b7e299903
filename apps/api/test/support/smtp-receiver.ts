// A real SMTP server (the smtp-server package) on loopback that offers STARTTLS with a test CA's
// certificate and AUTH only once encrypted; every message it accepts is parsed back with mailparser.
// For the API's tests and the e2e journey (which cannot see the email transport's internals).
import type { AddressInfo } from 'node:net'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server'
import type { TestCa } from '../alerts/rsyslog.ts'

export type ReceivedMail = {
  mail: ParsedMail
  /** The message as it came over the wire (headers unfolded by nobody). */
  raw: string
  /** The session had been upgraded to TLS (STARTTLS) when the message came. */
  secure: boolean
  user: unknown
  rcpt: string[]
}

export type SmtpReceiver = {
  port: number
  received: ReceivedMail[]
  close(): Promise<void>
}

export async function startSmtpReceiver(
  certs: Pick<TestCa, 'serverKey' | 'serverCert'>,
  credentials: { username: string; password: string },
  /** Server options a test varies (implicit TLS, STARTTLS disabled, size limits …). */
  options: Partial<SMTPServerOptions> = {},
): Promise<SmtpReceiver> {
  const received: ReceivedMail[] = []
  const server = new SMTPServer({
    key: certs.serverKey,
    cert: certs.serverCert,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: false,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.username && auth.password === credentials.password)
        callback(null, { user: auth.username })
      else callback(new Error('Invalid username or password'))
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks)
        void simpleParser(raw).then((mail) => {
          received.push({
            mail,
            raw: raw.toString('utf8'),
            secure: session.secure,
            user: session.user,
            rcpt: session.envelope.rcptTo.map((r) => r.address),
          })
          callback()
        }, callback)
      })
    },
    ...options,
  })
  server.on('error', () => {})
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
