import type { Emulator, EmulatorContext, RunningEmulator } from '../emulator.ts'
import { configString } from '../framework/config.ts'
import { tcpOnEveryPort } from '../framework/listeners.ts'
import type { TcpSession } from '../framework/tcp.ts'
import { LastLogins } from './last-login.ts'
import { failedLoginDelayMs } from './login-delay.ts'
import { type Credentials, credentialsFor } from './shell/credentials.ts'
import { type Persona, personaFor } from './shell/persona.ts'
import { createLineEditor, type LineEditor, type ShellSession, startShellSession } from './shell/terminal.ts'
import { TELNET_PRODUCTS, type TelnetFlavor, type TelnetProduct, telnetFlavor } from './telnet-flavors.ts'

/** Type-ahead kept while a refused login is held (a terminal's input queue is about this size). */
const MAX_HELD_BYTES = 4096
const IAC = 0xff
const SB = 0xfa
const SE = 0xf0

export const telnetEmulator: Emulator = {
  slug: 'telnet',
  defaultPorts: [23],
  async start(ctx: EmulatorContext): Promise<RunningEmulator> {
    const persona = personaFor(ctx)
    const story = ctx.persona
    const credentials = credentialsFor(persona.logins)
    const service = story.services.telnet
    const product: TelnetProduct = (TELNET_PRODUCTS as readonly string[]).includes(service?.product ?? '')
      ? (service?.product as TelnetProduct)
      : story.os.id === 'alpine' || story.family === 'embedded'
        ? 'busybox'
        : 'linux-telnetd'
    const flavor = telnetFlavor(
      product,
      story,
      persona.hostname,
      configString(ctx.config, 'banner'),
      service?.banner,
    )
    const lastLogins = new LastLogins(
      persona.random.fork('last-login'),
      story.timezone,
      story.bootTime * 1000,
    )
    return tcpOnEveryPort(ctx, {
      handle: (session) => telnetSession(session, persona, credentials, flavor, lastLogins),
    })
  },
}

function telnetSession(
  session: TcpSession,
  persona: Persona,
  credentials: Credentials,
  flavor: TelnetFlavor,
  lastLogins: LastLogins,
) {
  const write = (text: string) => session.write(text)
  const stripTelnet = telnetFilter()
  let username = ''
  let failures = 0
  const firstStage = () => (flavor.loginPrompt === undefined ? 'password' : 'login')
  let stage: 'login' | 'password' = firstStage()
  const promptAgain = () => write(flavor.loginPrompt ?? flavor.passwordPrompt)
  let shell: ShellSession | undefined
  let closed = false
  /** Input that arrived while a refused login was being held (undefined when none is). */
  let held: Buffer[] | undefined
  let heldBytes = 0
  let crEndedLogin = false
  const refuse = () => {
    if (closed) return
    failures++
    if (failures >= flavor.maxFailures) {
      write(flavor.giveUp)
      session.end()
      return
    }
    stage = firstStage()
    editor.echo = stage === 'login'
    write(flavor.failure)
    promptAgain()
    const pending = held ?? []
    held = undefined
    heldBytes = 0
    for (const chunk of pending) feed(chunk)
  }
  /** Login input goes to the editor a byte at a time, so the rest of a chunk can wait behind a refusal. */
  const feed = (data: Buffer) => {
    for (let at = 0; at < data.length; at++) {
      if (held) {
        const rest = data.subarray(at, at + Math.max(0, MAX_HELD_BYTES - heldBytes))
        heldBytes += rest.length
        held.push(rest)
        return
      }
      if (shell) {
        // The LF (or NUL) of the CR that ended the password belongs to the login line, not the shell.
        const skip = crEndedLogin && (data[at] === 0x0a || data[at] === 0x00) ? 1 : 0
        crEndedLogin = false
        if (at + skip < data.length) shell.feed(data.subarray(at + skip))
        return
      }
      editor.feed(data.subarray(at, at + 1))
      crEndedLogin = shell !== undefined && data[at] === 0x0d
    }
  }
  const editor: LineEditor = createLineEditor({
    echo: true,
    write,
    onLine: (line) => {
      if (stage === 'login') {
        username = line.trim()
        if (username === '') return promptAgain()
        stage = 'password'
        editor.echo = false
        write(flavor.passwordPrompt)
        return
      }
      const success = credentials.attempt(session.ip, username, line)
      session.emit('auth_attempt', { username, password: line, success }, ['password'])
      editor.echo = true
      write('\r\n')
      if (!success) {
        // login sleeps before it answers; what the client types meanwhile waits for the next prompt.
        held = []
        setTimeout(refuse, failedLoginDelayMs())
        return
      }
      shell = startShellSession({
        persona,
        user: username,
        via: 'telnet',
        pty: true,
        banner: flavor.showsLastLogin ? `${lastLogins.lineFor(username, session.ip, 'login')}\n` : '',
        from: session.ip,
        write,
        close: () => session.end(),
        emit: (event, fields) => session.emit(event, fields),
        limitReached: (limit, max) => session.limitReached(limit, max),
      })
    },
    onInterrupt: promptAgain,
    onEof: () => session.end(),
  })
  // Option bytes, greeting and prompt leave in one segment, as from a real daemon's single write.
  const opening = (options: Buffer) =>
    Buffer.concat([
      options,
      Buffer.from(`${flavor.greeting}${flavor.loginPrompt ?? flavor.passwordPrompt}`, 'latin1'),
    ])
  let greeted = !flavor.waitForClient
  session.write(greeted ? opening(flavor.negotiation) : flavor.negotiation)
  if (stage === 'password') editor.echo = false
  return {
    onData: (chunk: Buffer) => {
      if (!greeted) {
        // netkit telnetd starts login once the client has answered its option requests.
        greeted = true
        session.write(opening(flavor.afterNegotiation))
      }
      const data = stripTelnet(chunk)
      if (data.length === 0) return
      feed(data)
    },
    onClose: () => {
      closed = true
      shell?.end()
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
