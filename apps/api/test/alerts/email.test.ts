// The email channel against a real SMTP server (the smtp-server package) on loopback with STARTTLS,
// implicit TLS and AUTH; what it received is parsed back with mailparser.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { AlertMessage } from '@decnet/core'
import type { SMTPServerOptions } from 'smtp-server'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { TransportError } from '../../src/alerts/transport.ts'
import { createEmailTransport, type EmailConfig } from '../../src/alerts/transports/email.ts'
import { type SmtpReceiver, startSmtpReceiver } from '../support/smtp-receiver.ts'
import { makeTestCa, type TestCa } from './rsyslog.ts'
import { sampleAlert } from './sample-alert.ts'
import { expectGivesUpOnSilentReceiver } from './silent-receiver.ts'

const deadline = () => AbortSignal.timeout(20_000)
const USER = 'alerts'
const PASSWORD = 'correct horse battery staple'

describe('email alert transport', () => {
  let dir: string
  let certs: TestCa
  let otherCa: TestCa
  const receivers: SmtpReceiver[] = []

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'decnet-smtp-'))
    certs = makeTestCa(path.join(dir, 'ca'))
    otherCa = makeTestCa(path.join(dir, 'other'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  afterEach(async () => {
    for (const receiver of receivers.splice(0)) await receiver.close()
  })

  async function receiver(options: Partial<SMTPServerOptions> = {}): Promise<SmtpReceiver> {
    const handle = await startSmtpReceiver(certs, { username: USER, password: PASSWORD }, options)
    receivers.push(handle)
    return handle
  }

  const config = (port: number, overrides: Partial<EmailConfig> = {}): EmailConfig => ({
    host: '127.0.0.1',
    port,
    security: 'starttls',
    caPem: certs.ca,
    username: USER,
    from: 'decnet@alerts.example',
    to: ['soc@example.org', 'oncall@example.org'],
    ...overrides,
  })

  async function sendOne(cfg: EmailConfig, alert: AlertMessage, password = PASSWORD): Promise<void> {
    const transport = createEmailTransport(cfg, { password })
    try {
      await transport.send(alert, deadline())
    } finally {
      await transport.close()
    }
  }

  it('sends over STARTTLS with AUTH a multipart message whose HTML escapes attacker text', async () => {
    const server = await receiver()
    const alert = sampleAlert()
    await sendOne(config(server.port), alert)

    expect(server.received).toHaveLength(1)
    const { mail, raw, secure, user, rcpt } = server.received[0]!
    expect(secure).toBe(true)
    expect(user).toBe(USER)
    expect(rcpt).toEqual(['soc@example.org', 'oncall@example.org'])
    expect(raw).toMatch(/Content-Type: multipart\/alternative/i)
    expect(mail.subject).toBe(`[DECNET] HIGH: ${alert.title}`)
    expect(mail.from?.text).toBe('decnet@alerts.example')
    expect(mail.headers.get('x-decnet-idempotency-key')).toBe(alert.idempotencyKey)
    expect(mail.headers.get('x-decnet-incident-id')).toBe('inc-0001')
    // The Date header has whole seconds.
    expect(mail.date?.toISOString()).toBe(alert.createdAt.replace(/\.\d+Z$/, '.000Z'))

    // Plain part: every fact, the attacker's text with its newline neutralised.
    expect(mail.text).toContain('Source IP:')
    expect(mail.text).toContain('203.0.113.7')
    expect(mail.text).toContain('login root/"p\\w]d" <script>alert(1)</script>')
    expect(mail.text).toContain('\uFFFDforged line ünï')
    expect(mail.text).toContain('https://decnet.example/incidents/inc-0001')

    // HTML part: escaped, no markup from the attacker, nothing fetched from elsewhere.
    const html = typeof mail.html === 'string' ? mail.html : ''
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=http://x/y.png&gt;')
    expect(html).toContain('&quot;root&quot; [x]')
    expect(html).not.toMatch(/<script|<img|<[^>]*\ssrc=|url\(/i)
    expect(html).toContain('<a href="https://decnet.example/incidents/inc-0001">')
    expect(mail.attachments).toHaveLength(0)
  })

  it('gives a re-sent alert the same Message-ID, and threads an incident', async () => {
    const server = await receiver()
    const alert = sampleAlert()
    const later = sampleAlert({ reason: 'digest' })
    await sendOne(config(server.port), alert)
    await sendOne(config(server.port), alert)
    await sendOne(config(server.port), later)
    const [first, again, digest] = server.received.map((r) => r.mail)
    expect(first!.messageId).toMatch(/^<alert\.[0-9a-f]{32}@alerts\.example>$/)
    expect(again!.messageId).toBe(first!.messageId)
    expect(digest!.messageId).not.toBe(first!.messageId)
    expect(digest!.inReplyTo).toBe(first!.inReplyTo)
    expect(digest!.headers.get('x-decnet-idempotency-key')).toBe(later.idempotencyKey)
  })

  it('sends over implicit TLS', async () => {
    const server = await receiver({ secure: true })
    const alert = sampleAlert({ severity: 'critical' })
    await sendOne(config(server.port, { security: 'tls' }), alert)
    expect(server.received).toHaveLength(1)
    expect(server.received[0]!.secure).toBe(true)
    expect(server.received[0]!.mail.subject).toMatch(/^\[DECNET\] CRITICAL: /)
  })

  it('never falls back to plaintext when the server offers no STARTTLS', async () => {
    const server = await receiver({ disabledCommands: ['STARTTLS'], allowInsecureAuth: true })
    const err = await sendOne(config(server.port), sampleAlert()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TransportError)
    expect((err as Error).message).toMatch(/STARTTLS/i)
    expect(server.received).toHaveLength(0)
  })

  it('refuses a server whose certificate another CA signed', async () => {
    const server = await receiver()
    const err = await sendOne(config(server.port, { caPem: otherCa.ca }), sampleAlert()).catch(
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(TransportError)
    expect((err as Error).message).toMatch(/certificate|verify/i)
    expect(server.received).toHaveLength(0)
  })

  it('fails retryably on a wrong password, without the password in the error', async () => {
    const server = await receiver()
    const wrong = 'hunter2-not-it'
    const err = await sendOne(config(server.port), sampleAlert(), wrong).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TransportError)
    expect((err as TransportError).retryable).toBe(true)
    expect((err as Error).message).toMatch(/AUTH|auth|credentials|Invalid/)
    expect((err as Error).message).not.toContain(wrong)
    expect(server.received).toHaveLength(0)
  })

  it('fails for good when the server refuses the recipients permanently', async () => {
    const server = await receiver({
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error('No such user here'), { responseCode: 550 }))
      },
    })
    const err = await sendOne(config(server.port), sampleAlert()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TransportError)
    expect((err as TransportError).retryable).toBe(false)
    expect(server.received).toHaveLength(0)
  })

  it('refuses configuration that could inject headers', () => {
    expect(() =>
      createEmailTransport(config(25, { subjectPrefix: 'x\r\nBcc: victim@example.org' })),
    ).toThrow()
    expect(() =>
      createEmailTransport(config(25, { from: 'a@b.example\r\nBcc: victim@example.org' })),
    ).toThrow()
    expect(() => createEmailTransport(config(25, { to: [] }))).toThrow()
  })

  it('gives up when the signal aborts (a server that never greets)', async () => {
    await expectGivesUpOnSilentReceiver((port) => createEmailTransport(config(port), { password: PASSWORD }))
  })
})
