import { type BaitMessage, baitMailbox } from './bait.ts'
import { type MailboxSession, mailboxEmulator, mailboxName } from './mailbox-server.ts'
import { pop3Dialect } from './mda-dialects.ts'

const pop3Session: MailboxSession = (session, persona, site, banner) => {
  const dialect = pop3Dialect(site)
  const send = (text: string) => session.write(`${text}\r\n`)
  let user: string | undefined
  let messages: BaitMessage[] | undefined

  const message = (arg: string) => {
    const index = Number.parseInt(arg, 10) - 1
    return messages?.[index]
  }
  /** Multi-line responses dot-stuff lines that start with a dot and end with a lone dot. */
  const multiline = (first: string, body: string) =>
    send(`${first}\r\n${body.replace(/\r\n\./g, '\r\n..').replace(/\r\n$/, '')}\r\n.`)

  send(banner ? `+OK ${banner}` : dialect.greeting)
  return {
    onLine: (line: string, truncated: boolean) => {
      const space = line.indexOf(' ')
      const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase()
      const arg = space === -1 ? '' : line.slice(space + 1).trim()
      if (verb !== 'PASS')
        session.emit('command', {
          username: user ?? null,
          verb,
          arg,
          ...(truncated ? { truncated: true } : {}),
        })
      switch (verb) {
        case 'CAPA':
          return multiline('+OK', dialect.capa.map((line) => `${line}\r\n`).join(''))
        case 'USER':
          user = arg
          return send(dialect.userOk(arg))
        case 'PASS': {
          if (user === undefined) return send(dialect.noUser)
          // As for IMAP: any login with a password opens the bait mailbox.
          const success = arg.length > 0
          session.emit('auth_attempt', { username: user, password: arg, success }, ['password'])
          if (!success) return send(dialect.loginFailed)
          messages = baitMailbox(persona, mailboxName(user), site)
          return send(dialect.loginOk)
        }
        case 'QUIT':
          return session.end(`${dialect.quit}\r\n`)
        case 'NOOP':
          return send('+OK')
        case 'STLS':
          return send(dialect.stls)
      }
      if (!messages) return send(dialect.notAuthenticated)
      const total = messages.reduce((sum, m) => sum + m.size, 0)
      switch (verb) {
        case 'STAT':
          return send(`+OK ${messages.length} ${total}`)
        case 'LIST': {
          if (arg) {
            const found = message(arg)
            return send(found ? `+OK ${arg} ${found.size}` : dialect.noMessage)
          }
          return multiline(
            `+OK ${messages.length} messages:`,
            messages.map((m, i) => `${i + 1} ${m.size}\r\n`).join(''),
          )
        }
        case 'UIDL':
          return multiline(
            '+OK',
            messages.map((m, i) => `${i + 1} ${m.uid.toString(16).padStart(8, '0')}\r\n`).join(''),
          )
        case 'RETR': {
          const found = message(arg)
          if (!found) return send(dialect.noMessage)
          return multiline(`+OK ${found.size} octets`, `${found.text}\r\n`)
        }
        case 'TOP': {
          const [number = '', linesText = '0'] = arg.split(/\s+/)
          const found = message(number)
          if (!found) return send(dialect.noMessage)
          const [head = '', body = ''] = found.text.split('\r\n\r\n')
          const lines = body.split('\r\n').slice(0, Math.max(0, Number.parseInt(linesText, 10) || 0))
          return multiline('+OK', `${head}\r\n\r\n${lines.join('\r\n')}\r\n`)
        }
        case 'DELE':
          return send(message(arg) ? dialect.deleted : dialect.noMessage)
        case 'RSET':
          return send('+OK')
        default:
          return send(dialect.unknown(verb))
      }
    },
  }
}

export const pop3Emulator = mailboxEmulator('pop3', [110, 995], pop3Session)
