import type { Emulator, EmulatorContext, RunningEmulator } from '../emulator.ts'
import { configString } from '../framework/config.ts'
import { tcpOnEveryPort } from '../framework/listeners.ts'
import type { TcpSession } from '../framework/tcp.ts'
import { type Credentials, credentialsFrom } from './shell/credentials.ts'
import { type Persona, personaFor } from './shell/persona.ts'
import { createLineEditor, type LineEditor, startShellSession } from './shell/terminal.ts'

const IAC = 0xff
const SB = 0xfa
const SE = 0xf0
/** IAC WILL ECHO, IAC WILL SUPPRESS-GO-AHEAD: what busybox telnetd offers first. */
const NEGOTIATION = Buffer.from([IAC, 0xfb, 0x01, IAC, 0xfb, 0x03])
/** /bin/login gives up after this many failures, as on a stock system. */
const MAX_LOGIN_FAILURES = 3

export const telnetEmulator: Emulator = {
  slug: 'telnet',
  defaultPorts: [23],
  async start(ctx: EmulatorContext): Promise<RunningEmulator> {
    const persona = personaFor(ctx)
    const credentials = credentialsFrom(ctx.config)
    return tcpOnEveryPort(ctx, {
      handle: (session) =>
        telnetSession(
          session,
          persona,
          credentials,
          configString(ctx.config, 'banner') ?? persona.prettyName,
        ),
    })
  },
}

function telnetSession(session: TcpSession, persona: Persona, credentials: Credentials, banner: string) {
  const write = (text: string) => session.write(text)
  const stripTelnet = telnetFilter()
  let username = ''
  let failures = 0
  let stage: 'login' | 'password' = 'login'
  let shell: { feed(data: Buffer): void } | undefined
  const editor: LineEditor = createLineEditor({
    echo: true,
    write,
    onLine: (line) => {
      if (stage === 'login') {
        username = line.trim()
        if (username === '') {
          write(`${persona.hostname} login: `)
          return
        }
        stage = 'password'
        editor.echo = false
        write('Password: ')
        return
      }
      const success = credentials.accepts(username, line)
      session.emit('auth_attempt', { username, password: line, success }, ['password'])
      editor.echo = true
      write('\r\n')
      if (success) {
        shell = startShellSession({
          persona,
          user: username,
          via: 'telnet',
          pty: true,
          banner: `Last login: ${new Date(Date.now() - 86_400_000 * 2).toUTCString()} on pts/0\n`,
          write,
          close: () => session.end(),
          emit: (event, fields) => session.emit(event, fields),
        })
        return
      }
      failures++
      if (failures >= MAX_LOGIN_FAILURES) {
        write('\r\nLogin incorrect\r\n')
        session.end()
        return
      }
      stage = 'login'
      write(`\r\nLogin incorrect\r\n${persona.hostname} login: `)
    },
    onInterrupt: () => write(`${persona.hostname} login: `),
    onEof: () => session.end(),
  })
  session.write(NEGOTIATION)
  write(`${banner.replace(/\r?\n/g, '\r\n')}\r\n${persona.hostname} login: `)
  return {
    onData: (chunk: Buffer) => {
      const data = stripTelnet(chunk)
      if (data.length === 0) return
      if (shell) shell.feed(data)
      else editor.feed(data)
    },
  }
}

/** Removes telnet option negotiation (IAC sequences, sub-negotiation) from the byte stream. */
function telnetFilter(): (chunk: Buffer) => Buffer {
  let state: 'data' | 'iac' | 'option' | 'sub' | 'sub-iac' = 'data'
  return (chunk) => {
    const out: number[] = []
    for (const byte of chunk) {
      switch (state) {
        case 'data':
          if (byte === IAC) state = 'iac'
          else out.push(byte)
          break
        case 'iac':
          if (byte === IAC) {
            out.push(IAC)
            state = 'data'
          } else if (byte === SB) state = 'sub'
          else if (byte >= 0xfb && byte <= 0xfe) state = 'option'
          else state = 'data'
          break
        case 'option':
          state = 'data'
          break
        case 'sub':
          if (byte === IAC) state = 'sub-iac'
          break
        case 'sub-iac':
          state = byte === SE ? 'data' : 'sub'
          break
      }
    }
    return Buffer.from(out)
  }
}
