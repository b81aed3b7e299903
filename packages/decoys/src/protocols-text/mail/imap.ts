import { type BaitMessage, baitMailbox } from './bait.ts'
import { type MailboxSession, mailboxEmulator, mailboxName } from './mailbox-server.ts'
import { imapDialect } from './mda-dialects.ts'

const imapSession: MailboxSession = (session, persona, site, banner) => {
  const dialect = imapDialect(site)
  const send = (text: string) => session.write(`${text}\r\n`)
  let messages: BaitMessage[] | undefined
  let user: string | undefined
  let selected = false
  /** A command line waiting for its `{n}` literal (one line is all LOGIN ever needs). */
  let pendingLiteral: string | undefined
  let pendingAuth: { tag: string } | undefined

  const login = (tag: string, username: string, password: string, mechanism: string) => {
    // The bait is the point: any login with a password opens the mailbox.
    const success = password.length > 0
    session.emit('auth_attempt', { username, password, mechanism, success }, ['password'])
    if (!success)
      return send(`${tag} ${dialect.loginFailed(mechanism === 'LOGIN' ? 'LOGIN' : 'AUTHENTICATE')}`)
    user = username
    messages = baitMailbox(persona, mailboxName(username), site)
    send(`${tag} ${dialect.loginOk}`)
  }

  const fetch = (tag: string, args: string[], byUid: boolean) => {
    if (!messages || !selected) return send(`${tag} ${dialect.noSelection}`)
    const items = args.slice(1).join(' ').toUpperCase()
    for (const index of sequence(args[0] ?? '', messages, byUid)) {
      const message = messages[index]
      if (!message) continue
      const parts = [`UID ${message.uid}`, 'FLAGS (\\Seen)']
      if (items.includes('RFC822.SIZE')) parts.push(`RFC822.SIZE ${message.size}`)
      const header = message.text.slice(0, message.text.indexOf('\r\n\r\n') + 4)
      if (items.includes('HEADER')) parts.push(`BODY[HEADER] {${Buffer.byteLength(header)}}\r\n${header}`)
      else if (items.includes('BODY') || items.includes('RFC822'))
        parts.push(`BODY[] {${message.size}}\r\n${message.text}`)
      send(`* ${index + 1} FETCH (${parts.join(' ')})`)
    }
    session.emit('command', {
      username: user ?? null,
      verb: byUid ? 'UID FETCH' : 'FETCH',
      arg: args.join(' '),
    })
    send(`${tag} ${dialect.completed('FETCH')}`)
  }

  const handle = (line: string, truncated: boolean) => {
    if (pendingAuth) {
      const { tag } = pendingAuth
      pendingAuth = undefined
      const [, username = '', password = ''] = Buffer.from(line.trim(), 'base64').toString('utf8').split('\0')
      return login(tag, username, password, 'PLAIN')
    }
    const [tag = '', rawVerb = '', ...args] = tokenize(line)
    const verb = rawVerb.toUpperCase()
    if (!tag || !verb) return send(`${tag || '*'} ${dialect.badSyntax}`)
    if (verb !== 'LOGIN' && verb !== 'AUTHENTICATE' && verb !== 'FETCH') {
      session.emit('command', {
        username: user ?? null,
        verb,
        arg: args.join(' '),
        ...(truncated ? { truncated: true } : {}),
      })
    }
    switch (verb) {
      case 'CAPABILITY':
        if (messages) {
          send(`* CAPABILITY ${dialect.capabilitiesAfterLogin}`)
          return send(`${tag} ${dialect.completed('CAPABILITY')}`)
        }
        send(`* CAPABILITY ${dialect.capabilities}`)
        return send(`${tag} ${dialect.capabilityOk}`)
      case 'NOOP':
        return send(`${tag} ${dialect.completed('NOOP')}`)
      case 'ID':
        send(dialect.id)
        return send(`${tag} ${dialect.completed('ID')}`)
      case 'LOGIN':
        return login(tag, args[0] ?? '', args[1] ?? '', 'LOGIN')
      case 'AUTHENTICATE':
        if ((args[0] ?? '').toUpperCase() !== 'PLAIN') return send(`${tag} ${dialect.authUnsupported}`)
        if (args[1]) {
          const [, username = '', password = ''] = Buffer.from(args[1], 'base64').toString('utf8').split('\0')
          return login(tag, username, password, 'PLAIN')
        }
        pendingAuth = { tag }
        return send('+ ')
      case 'LOGOUT':
        send(dialect.bye)
        send(`${tag} ${dialect.completed('LOGOUT')}`)
        return session.end()
      case 'STARTTLS':
        return send(`${tag} ${dialect.starttls}`)
    }
    if (!messages) return send(`${tag} ${dialect.notAuthenticated(verb)}`)
    switch (verb) {
      case 'LIST':
      case 'LSUB':
        for (const box of ['INBOX', 'Sent', 'Drafts', 'Trash']) send(`* ${verb} (\\HasNoChildren) "." ${box}`)
        return send(`${tag} ${dialect.completed(verb)}`)
      case 'SELECT':
      case 'EXAMINE':
      case 'STATUS':
        if ((args[0] ?? '').toUpperCase() !== 'INBOX')
          return send(`${tag} ${dialect.noMailbox(verb, args[0] ?? '')}`)
        if (verb === 'STATUS') {
          send(`* STATUS INBOX (MESSAGES ${messages.length} UNSEEN 0)`)
          return send(`${tag} ${dialect.completed('STATUS')}`)
        }
        selected = true
        send('* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)')
        send(`* ${messages.length} EXISTS`)
        send('* 0 RECENT')
        send(
          `* OK [UIDVALIDITY ${1_600_000_000 + persona.random.fork('uidvalidity').int(0, 99_999_999)}] UIDs valid`,
        )
        send(`* OK [UIDNEXT ${1000 + messages.length}] Predicted next UID`)
        return send(
          `${tag} ${dialect.completed(verb).replace(/^OK /, `OK [${verb === 'SELECT' ? 'READ-WRITE' : 'READ-ONLY'}] `)}`,
        )
      case 'FETCH':
        return fetch(tag, args, false)
      case 'UID':
        if ((args[0] ?? '').toUpperCase() === 'FETCH') return fetch(tag, args.slice(1), true)
        if ((args[0] ?? '').toUpperCase() === 'SEARCH') {
          send(`* SEARCH ${messages.map((m) => m.uid).join(' ')}`)
          return send(`${tag} ${dialect.completed('SEARCH')}`)
        }
        return send(`${tag} ${dialect.completed('UID')}`)
      case 'SEARCH':
        send(`* SEARCH ${messages.map((_, i) => i + 1).join(' ')}`)
        return send(`${tag} ${dialect.completed('SEARCH')}`)
      case 'CLOSE':
      case 'EXPUNGE':
      case 'STORE':
      case 'CHECK':
        return send(`${tag} ${dialect.completed(verb)}`)
      default:
        return send(`${tag} ${dialect.unknown(verb)}`)
    }
  }

  send(banner ? dialect.greetingWith(banner) : dialect.greeting)
  return {
    onLine: (line: string, truncated: boolean) => {
      if (pendingLiteral !== undefined) {
        const full = `${pendingLiteral}"${line.replace(/["\\]/g, '\\$&')}"`
        pendingLiteral = undefined
        return handle(full, truncated)
      }
      const literal = /\{(\d+)(\+?)\}$/.exec(line)
      if (literal && Number(literal[1]) <= 8192) {
        pendingLiteral = `${line.slice(0, literal.index)}`
        if (literal[2] !== '+') send('+ OK')
        return
      }
      handle(line, truncated)
    },
  }
}

/** Splits an IMAP command into atoms, quoted strings (unescaped) and parenthesised lists (kept whole). */
export function tokenize(line: string): string[] {
  const tokens: string[] = []
  let i = 0
  while (i < line.length) {
    const char = line[i]
    if (char === ' ') {
      i++
    } else if (char === '"') {
      let value = ''
      i++
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length) i++
        value += line[i]
        i++
      }
      i++
      tokens.push(value)
    } else if (char === '(' || char === '[') {
      const close = char === '(' ? ')' : ']'
      let depth = 0
      const start = i
      while (i < line.length) {
        if (line[i] === char) depth++
        else if (line[i] === close && --depth === 0) break
        i++
      }
      i++
      tokens.push(line.slice(start, i))
    } else {
      const start = i
      while (i < line.length && line[i] !== ' ') i++
      tokens.push(line.slice(start, i))
    }
  }
  return tokens
}

/** Resolves a sequence set (`1`, `2:4`, `1:*`, `1,3`) to message indexes. */
function sequence(set: string, messages: BaitMessage[], byUid: boolean): number[] {
  const indexes = new Set<number>()
  const count = messages.length
  for (const range of set.split(',')) {
    const [fromText = '', toText = fromText] = range.split(':')
    const resolve = (text: string) =>
      text === '*' ? (byUid ? (messages[count - 1]?.uid ?? 0) : count) : Number.parseInt(text, 10)
    let from = resolve(fromText)
    let to = resolve(toText)
    if (!Number.isFinite(from) || !Number.isFinite(to)) continue
    if (from > to) [from, to] = [to, from]
    messages.forEach((message, index) => {
      const key = byUid ? message.uid : index + 1
      if (key >= from && key <= to) indexes.add(index)
    })
  }
  return [...indexes].sort((a, b) => a - b)
}

export const imapEmulator = mailboxEmulator('imap', [143, 993], imapSession)
