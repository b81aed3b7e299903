import { randomInt } from 'node:crypto'
import type { Emulator, EmulatorContext, RunningEmulator } from '../../emulator.ts'
import { type ArtifactUpload, startUpload } from '../../framework/artifact-gateway.ts'
import { configString } from '../../framework/config.ts'
import { tcpOnEveryPort } from '../../framework/listeners.ts'
import type { TcpSession } from '../../framework/tcp.ts'
import { fqdnOf } from '../fqdn.ts'
import { MTA_PRODUCTS, type MtaDialect, type MtaProduct, mtaDialect } from './mta-dialects.ts'

/** Message bytes accepted in DATA; beyond it the message is refused (552) but still drained. */
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024
const BODY_EXCERPT_CHARS = 512
/** Recipients kept per message (Postfix's smtpd_recipient_limit is 1000; 100 is plenty for bait). */
export const MAX_RECIPIENTS = 100
/** Characters of one recipient address kept (RFC 5321 paths are at most 256 octets). */
const MAX_RECIPIENT_CHARS = 256

/** Versions announced when a persona names the product without one (the distro's packaged version). */
const FALLBACK_VERSION: Record<MtaProduct, string> = {
  postfix: '3.7.11',
  exim: '4.96',
  sendmail: '8.17.1.9',
  exchange: '15.1.2507.39',
}

/**
 * ESMTP credential harvester. The `smtp` decoy refuses AUTH (535) and relaying; the `smtp_relay`
 * decoy is an open relay that accepts both and swallows the message. Both speak the dialect of
 * the decky's one MTA (persona `services.smtp` / `services.smtp_relay`).
 */
function smtpEmulator(slug: 'smtp' | 'smtp_relay', openRelay: boolean): Emulator {
  return {
    slug,
    defaultPorts: [25, 587],
    async start(ctx: EmulatorContext): Promise<RunningEmulator> {
      const persona = ctx.persona
      const service = persona.services[slug] ?? persona.services.smtp ?? persona.services.smtp_relay
      const configured = configString(ctx.config, 'mta') ?? service?.product
      const product: MtaProduct = (MTA_PRODUCTS as readonly string[]).includes(configured ?? '')
        ? (configured as MtaProduct)
        : persona.os.id === 'windows'
          ? 'exchange'
          : 'postfix'
      const dialect = mtaDialect({
        product,
        version:
          service?.product === product && service.version ? service.version : FALLBACK_VERSION[product],
        fqdn: fqdnOf(persona),
        timezone: persona.timezone,
        os: persona.os,
        // The persona's wording only when it describes the product spoken (not an operator's other MTA).
        banner:
          service?.product === product && /^(ESMTP |Microsoft ESMTP )/.test(service.banner)
            ? service.banner
            : undefined,
      })
      const banner = configString(ctx.config, 'banner')
      const localDomains = [fqdnOf(persona), persona.hostname, persona.domain?.dns]
        .filter((d): d is string => Boolean(d))
        .map((d) => d.toLowerCase())
      return tcpOnEveryPort(ctx, {
        maxLineBytes: 4096,
        handle: (session) =>
          smtpSession(session, {
            dialect,
            // The greeting (and its date) is made when the client connects, never at start-up.
            greeting: () => (banner ? `220 ${banner}` : dialect.greeting(Date.now())),
            openRelay,
            localDomains,
          }),
      })
    },
  }
}

type SmtpOptions = {
  dialect: MtaDialect
  greeting(): string
  openRelay: boolean
  /** Domains the MTA delivers locally: RCPT there is "unknown user", elsewhere "relay denied". */
  localDomains: string[]
}

function smtpSession(session: TcpSession, options: SmtpOptions) {
  const { dialect } = options
  const reply = (text: string) => session.write(`${text}\r\n`)
  let helo = ''
  let from: string | undefined
  let recipients: string[] = []
  /** RCPTs refused by the cap for the current message (reported on its `message` event). */
  let recipientsRefused = 0
  let authState: { mechanism: 'LOGIN'; username?: string } | { mechanism: 'PLAIN' } | undefined
  /** The message being received: its head kept here, all of it (size-capped) streamed to the artifact store. */
  let data: { lines: string[]; bytes: number; kept: ArtifactUpload } | undefined
  const peer = () => ({ ip: session.ip, helo })
  /** The MTA's process for this client: every message of the connection carries it in its id. */
  const pid = randomInt(1000, 4_194_304)
  /** Like Exim waiting for the clock to tick, two messages of one connection never share an arrival time. */
  let lastArrival = 0

  const recordAuth = (username: string, password: string, mechanism: string) => {
    session.emit('auth_attempt', { username, password, mechanism, success: options.openRelay }, ['password'])
    reply(options.openRelay ? dialect.authOk : dialect.authFailed)
  }
  const decode = (text: string) => Buffer.from(text.trim(), 'base64').toString('utf8')
  const plain = (encoded: string) => {
    const [, username = '', password = ''] = decode(encoded).split('\0')
    recordAuth(username, password, 'PLAIN')
  }
  const resetMessage = () => {
    from = undefined
    recipients = []
    recipientsRefused = 0
  }

  const finishMessage = () => {
    const message = data
    data = undefined
    if (!message) return
    void message.kept.end()
    const text = message.lines.join('\r\n')
    const head = text.split('\r\n\r\n')[0] ?? ''
    const subject = /^subject:\s*(.*)$/im.exec(head)?.[1] ?? null
    const messageId = /^message-id:\s*(<[^>\r\n]{1,200}>)/im.exec(head)?.[1]
    session.emit('message', {
      from: from ?? null,
      to: recipients.join(', '),
      subject,
      bytes: message.bytes,
      body: text.slice(0, BODY_EXCERPT_CHARS),
      ...(message.bytes > MAX_MESSAGE_BYTES || recipientsRefused > 0 ? { truncated: true } : {}),
      ...(recipientsRefused > 0 ? { recipients_refused: recipientsRefused } : {}),
    })
    // Each accepted message gets its own queue id, made now (never a per-service constant).
    lastArrival = Math.max(Date.now(), lastArrival + 1)
    reply(message.bytes > MAX_MESSAGE_BYTES ? dialect.tooBig : dialect.queued(lastArrival, messageId, pid))
    resetMessage()
  }

  reply(options.greeting())
  return {
    onLine: (line: string, truncated: boolean) => {
      if (data) {
        if (line === '.') return finishMessage()
        data.bytes += line.length + 2
        data.kept.write(Buffer.from(`${line.startsWith('..') ? line.slice(1) : line}\r\n`, 'latin1'))
        // Only the head of the message is kept; the rest is counted.
        if (data.bytes <= 64 * 1024) data.lines.push(line.startsWith('..') ? line.slice(1) : line)
        return
      }
      if (authState) {
        const state = authState
        if (line === '*') {
          authState = undefined
          reply(dialect.authAborted)
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
        case 'HELO':
          if (!arg) return reply(dialect.heloSyntax(verb))
          helo = arg.split(/\s+/)[0] ?? arg
          resetMessage()
          return reply(verb === 'EHLO' ? dialect.ehlo(peer(), dialect.authMechanisms) : dialect.helo(peer()))
        case 'AUTH': {
          const [mechanism = '', initial] = arg.split(/\s+/)
          const upper = mechanism.toUpperCase()
          session.emit('command', { verb, arg: upper })
          if (upper === 'PLAIN') {
            if (initial) return plain(initial)
            authState = { mechanism: 'PLAIN' }
            return reply('334 ')
          }
          if (upper === 'LOGIN') {
            if (initial) {
              authState = { mechanism: 'LOGIN', username: decode(initial) }
              return reply('334 UGFzc3dvcmQ6')
            }
            authState = { mechanism: 'LOGIN' }
            return reply('334 VXNlcm5hbWU6')
          }
          return reply(dialect.authUnsupported(upper))
        }
        case 'MAIL': {
          if (!helo && dialect.needHelo) return reply(dialect.needHelo)
          if (from !== undefined) return reply(dialect.nestedMail)
          if (!/^FROM:/i.test(arg)) return reply(dialect.mailSyntax)
          from = /<([^>]*)>/.exec(arg)?.[1] ?? arg.replace(/^FROM:/i, '').trim()
          return reply(dialect.mailOk(from))
        }
        case 'RCPT': {
          if (from === undefined) return reply(dialect.needMail)
          if (!/^TO:/i.test(arg)) return reply(dialect.rcptSyntax)
          const recipient = (/<([^>]*)>/.exec(arg)?.[1] ?? arg.replace(/^TO:/i, '').trim()).slice(
            0,
            MAX_RECIPIENT_CHARS,
          )
          if (!options.openRelay) {
            const domain = recipient.split('@')[1]?.toLowerCase()
            return reply(
              !domain || options.localDomains.includes(domain)
                ? dialect.unknownUser(recipient)
                : dialect.relayDenied(recipient),
            )
          }
          if (recipients.length >= MAX_RECIPIENTS) {
            session.limitReached('recipients', MAX_RECIPIENTS)
            recipientsRefused++
            return reply(dialect.tooManyRecipients)
          }
          recipients.push(recipient)
          return reply(dialect.rcptOk(recipient))
        }
        case 'DATA':
          if (from === undefined) return reply(dialect.needMail)
          if (recipients.length === 0) return reply(dialect.needRcpt)
          data = {
            lines: [],
            bytes: 0,
            kept: startUpload('message', `${from} -> ${recipients.join(', ')}`, session.ip),
          }
          return reply(dialect.dataStart)
        case 'RSET':
          resetMessage()
          return reply(dialect.rset)
        case 'NOOP':
          return reply(dialect.noop)
        case 'VRFY':
          return reply(dialect.vrfy(arg))
        case 'HELP':
          return reply(dialect.help)
        case 'STARTTLS':
          return reply(dialect.starttls)
        case 'QUIT':
          return session.end(`${dialect.quit}\r\n`)
        default:
          return reply(dialect.unknown(verb, line))
      }
    },
  }
}

export const smtpEmulatorDefinition = smtpEmulator('smtp', false)
export const smtpRelayEmulator = smtpEmulator('smtp_relay', true)
