import { configString } from '../../framework/config.ts'
import type { TcpSession } from '../../framework/tcp.ts'
import type { Persona } from '../shell/persona.ts'
import { type BaitMessage, baitMailbox } from './bait.ts'
import { dovecotName, mailboxEmulator, mailboxName } from './mailbox-server.ts'

export const pop3Emulator = mailboxEmulator('pop3', [110, 995], (session, persona, ctx) =>
  pop3Session(session, persona, configString(ctx.config, 'banner')),
)

function pop3Session(session: TcpSession, persona: Persona, banner: string | undefined) {
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

  send(`+OK ${banner ?? `${dovecotName(persona)} ready.`}`)
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
          return multiline(
            '+OK',
            'CAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nUSER\r\nSASL PLAIN LOGIN\r\n',
          )
        case 'USER':
          user = arg
          return send('+OK')
        case 'PASS': {
          if (user === undefined) return send('-ERR No username given.')
          // As for IMAP: any login with a password opens the bait mailbox.
          const success = arg.length > 0
          session.emit('auth_attempt', { username: user, password: arg, success }, ['password'])
          if (!success) return send('-ERR [AUTH] Authentication failed.')
          messages = baitMailbox(persona, mailboxName(user))
          return send('+OK Logged in.')
        }
        case 'QUIT':
          return session.end('+OK Logging out.\r\n')
        case 'NOOP':
          return send('+OK')
        case 'STLS':
          return send('-ERR TLS support not enabled.')
      }
      if (!messages) return send('-ERR Unknown command.')
      const total = messages.reduce((sum, m) => sum + m.size, 0)
      switch (verb) {
        case 'STAT':
          return send(`+OK ${messages.length} ${total}`)
        case 'LIST': {
          if (arg) {
            const found = message(arg)
            return send(found ? `+OK ${arg} ${found.size}` : "-ERR There's no message.")
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
          if (!found) return send("-ERR There's no message.")
          return multiline(`+OK ${found.size} octets`, `${found.text}\r\n`)
        }
        case 'TOP': {
          const [number = '', linesText = '0'] = arg.split(/\s+/)
          const found = message(number)
          if (!found) return send("-ERR There's no message.")
          const [head = '', body = ''] = found.text.split('\r\n\r\n')
          const lines = body.split('\r\n').slice(0, Math.max(0, Number.parseInt(linesText, 10) || 0))
          return multiline('+OK', `${head}\r\n\r\n${lines.join('\r\n')}\r\n`)
        }
        case 'DELE':
          return send(message(arg) ? `+OK Marked to be deleted.` : "-ERR There's no message.")
        case 'RSET':
          return send('+OK')
        default:
          return send('-ERR Unknown command.')
      }
    },
  }
}
