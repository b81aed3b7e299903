import type { Emulator, EmulatorContext, RunningEmulator } from '../../emulator.ts'
import { configString } from '../../framework/config.ts'
import { tcpOnEveryPort } from '../../framework/listeners.ts'
import type { TcpSession } from '../../framework/tcp.ts'
import { personaFor } from '../shell/persona.ts'

/** Message bytes accepted in DATA; beyond it the message is refused (552) but still drained. */
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024
const BODY_EXCERPT_CHARS = 512
/** Recipients kept per message (Postfix's smtpd_recipient_limit is 1000; 100 is plenty for bait). */
export const MAX_RECIPIENTS = 100
/** Characters of one recipient address kept (RFC 5321 paths are at most 256 octets). */
const MAX_RECIPIENT_CHARS = 256
const MTAS = ['postfix', 'exim', 'sendmail'] as const
type Mta = (typeof MTAS)[number]

/**
 * ESMTP credential harvester. The `smtp` persona refuses AUTH (535) and relaying (554); the
 * `smtp_relay` persona is an open relay that accepts both and swallows the message.
 */
function smtpEmulator(slug: 'smtp' | 'smtp_relay', openRelay: boolean): Emulator {
  return {
    slug,
    defaultPorts: [25, 587],
    async start(ctx: EmulatorContext): Promise<RunningEmulator> {
      const persona = personaFor(ctx)
      const random = persona.random.fork('smtp')
      const configured = configString(ctx.config, 'mta')
      const mta: Mta = (MTAS as readonly string[]).includes(configured ?? '')
        ? (configured as Mta)
        : random.pick(MTAS)
      const greeting =
        configString(ctx.config, 'banner') ?? defaultGreeting(mta, ctx.hostname, persona.distro)
      const queueId = () => random.hex(10).toUpperCase()
      return tcpOnEveryPort(ctx, {
        maxLineBytes: 4096,
        handle: (session) => smtpSession(session, { hostname: ctx.hostname, greeting, openRelay, queueId }),
      })
    },
  }
}

function defaultGreeting(mta: Mta, hostname: string, distro: string): string {
  const date = new Date().toUTCString().replace('GMT', '+0000')
  switch (mta) {
    case 'postfix':
      return `${hostname} ESMTP Postfix${distro.startsWith('ubuntu') ? ' (Ubuntu)' : distro === 'debian' ? ' (Debian/GNU)' : ''}`
    case 'exim':
      return `${hostname} ESMTP Exim 4.96 ${date}`
    case 'sendmail':
      return `${hostname} ESMTP Sendmail 8.17.1/8.17.1; ${date}`
  }
}

type SmtpOptions = { hostname: string; greeting: string; openRelay: boolean; queueId(): string }

function smtpSession(session: TcpSession, options: SmtpOptions) {
  const reply = (text: string) => session.write(`${text}\r\n`)
  let helo = ''
  let from: string | undefined
  let recipients: string[] = []
  /** RCPTs refused by the cap for the current message (reported on its `message` event). */
  let recipientsRefused = 0
  let authState: { mechanism: 'LOGIN'; username?: string } | { mechanism: 'PLAIN' } | undefined
  let data: { lines: string[]; bytes: number } | undefined

  const recordAuth = (username: string, password: string, mechanism: string) => {
    session.emit('auth_attempt', { username, password, mechanism, success: options.openRelay }, ['password'])
    reply(
      options.openRelay
        ? '235 2.7.0 Authentication successful'
        : '535 5.7.8 Error: authentication failed: authentication failure',
    )
  }
  const decode = (text: string) => Buffer.from(text.trim(), 'base64').toString('utf8')
  const plain = (encoded: string) => {
    const [, username = '', password = ''] = decode(encoded).split('\0')
    recordAuth(username, password, 'PLAIN')
  }

  const finishMessage = () => {
    const message = data
    data = undefined
    if (!message) return
    const text = message.lines.join('\r\n')
    const subject = /^subject:\s*(.*)$/im.exec(text.split('\r\n\r\n')[0] ?? '')?.[1] ?? null
    session.emit('message', {
      from: from ?? null,
      to: recipients.join(', '),
      subject,
      bytes: message.bytes,
      body: text.slice(0, BODY_EXCERPT_CHARS),
      ...(message.bytes > MAX_MESSAGE_BYTES || recipientsRefused > 0 ? { truncated: true } : {}),
      ...(recipientsRefused > 0 ? { recipients_refused: recipientsRefused } : {}),
    })
    reply(
      message.bytes > MAX_MESSAGE_BYTES
        ? '552 5.3.4 Error: message file too big'
        : `250 2.0.0 Ok: queued as ${options.queueId()}`,
    )
    from = undefined
    recipients = []
    recipientsRefused = 0
  }

  reply(`220 ${options.greeting}`)
  return {
    onLine: (line: string, truncated: boolean) => {
      if (data) {
        if (line === '.') return finishMessage()
        data.bytes += line.length + 2
        // Only the head of the message is kept; the rest is counted.
        if (data.bytes <= 64 * 1024) data.lines.push(line.startsWith('..') ? line.slice(1) : line)
        return
      }
      if (authState) {
        const state = authState
        if (line === '*') {
          authState = undefined
          reply('501 5.7.0 Authentication aborted')
        } else if (state.mechanism === 'PLAIN') {
          authState = undefined
          plain(line)
        } else if (state.username === undefined) {
          authState = { mechanism: 'LOGIN', username: decode(line) }
          reply('334 UGFzc3dvcmQ6')
        } else {
          authState = undefined
          recordAuth(state.username, decode(line), 'LOGIN')
        }
        return
      }
      const space = line.indexOf(' ')
      const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase()
      const arg = space === -1 ? '' : line.slice(space + 1).trim()
      if (verb !== 'AUTH') session.emit('command', { verb, arg, ...(truncated ? { truncated: true } : {}) })
      switch (verb) {
        case 'EHLO':
          helo = arg
          return reply(
            [
              `250-${options.hostname}`,
              '250-PIPELINING',
              '250-SIZE 10240000',
              '250-VRFY',
              '250-ETRN',
              '250-AUTH PLAIN LOGIN',
              '250-ENHANCEDSTATUSCODES',
              '250-8BITMIME',
              '250 DSN',
            ].join('\r\n'),
          )
        case 'HELO':
          helo = arg
          return reply(`250 ${options.hostname}`)
        case 'AUTH': {
          const [mechanism = '', initial] = arg.split(/\s+/)
          session.emit('command', { verb, arg: mechanism.toUpperCase() })
          if (mechanism.toUpperCase() === 'PLAIN') {
            if (initial) return plain(initial)
            authState = { mechanism: 'PLAIN' }
            return reply('334 ')
          }
          if (mechanism.toUpperCase() === 'LOGIN') {
            if (initial) {
              authState = { mechanism: 'LOGIN', username: decode(initial) }
              return reply('334 UGFzc3dvcmQ6')
            }
            authState = { mechanism: 'LOGIN' }
            return reply('334 VXNlcm5hbWU6')
          }
          return reply('535 5.7.8 Error: authentication failed: Invalid authentication mechanism')
        }
        case 'MAIL':
          if (!helo) return reply('503 5.5.1 Error: send HELO/EHLO first')
          from = /<([^>]*)>/.exec(arg)?.[1] ?? arg.replace(/^FROM:/i, '').trim()
          return reply('250 2.1.0 Ok')
        case 'RCPT': {
          if (from === undefined) return reply('503 5.5.1 Error: need MAIL command')
          const recipient = /<([^>]*)>/.exec(arg)?.[1] ?? arg.replace(/^TO:/i, '').trim()
          if (!options.openRelay) return reply(`554 5.7.1 <${recipient}>: Relay access denied`)
          if (recipients.length >= MAX_RECIPIENTS) {
            session.limitReached('recipients', MAX_RECIPIENTS)
            recipientsRefused++
            return reply('452 4.5.3 Error: too many recipients')
          }
          recipients.push(recipient.slice(0, MAX_RECIPIENT_CHARS))
          return reply('250 2.1.5 Ok')
        }
        case 'DATA':
          if (recipients.length === 0) return reply('554 5.5.1 Error: no valid recipients')
          data = { lines: [], bytes: 0 }
          return reply('354 End data with <CR><LF>.<CR><LF>')
        case 'RSET':
          from = undefined
          recipients = []
          recipientsRefused = 0
          return reply('250 2.0.0 Ok')
        case 'NOOP':
          return reply('250 2.0.0 Ok')
        case 'VRFY':
          return reply('252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery')
        case 'STARTTLS':
          return reply('454 4.7.0 TLS not available due to local problem')
        case 'QUIT':
          return session.end('221 2.0.0 Bye\r\n')
        default:
          return reply('502 5.5.2 Error: command not recognized')
      }
    },
  }
}

export const smtpEmulatorDefinition = smtpEmulator('smtp', false)
export const smtpRelayEmulator = smtpEmulator('smtp_relay', true)
