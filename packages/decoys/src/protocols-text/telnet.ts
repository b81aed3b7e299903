import type { Persona as PersonaStory } from '@decnet/core'
import type { Emulator, EmulatorContext, RunningEmulator } from '../emulator.ts'
import { configString } from '../framework/config.ts'
import { tcpOnEveryPort } from '../framework/listeners.ts'
import type { TcpSession } from '../framework/tcp.ts'
import { LastLogins } from './last-login.ts'
import { personaOf } from './service-persona.ts'
import { type Credentials, credentialsFrom } from './shell/credentials.ts'
import { type Persona, personaFor } from './shell/persona.ts'
import { createLineEditor, type LineEditor, startShellSession } from './shell/terminal.ts'

const IAC = 0xff
const SB = 0xfa
const SE = 0xf0
const DO = 0xfd
const WILL = 0xfb
const ECHO = 0x01
const SGA = 0x03
/**
 * What each telnetd sends first (nmap tells them apart by these bytes alone). netkit/inetutils
 * telnetd asks for TERMINAL-TYPE, TSPEED, XDISPLOC and NEW-ENVIRON and waits for the answers before
 * starting login; BusyBox asks for ECHO and NAWS, offers ECHO and SGA, and prompts at once.
 */
const LINUX_NEGOTIATION = Buffer.from([IAC, DO, 0x18, IAC, DO, 0x20, IAC, DO, 0x23, IAC, DO, 0x27])
const LINUX_AFTER_NEGOTIATION = Buffer.from([IAC, WILL, SGA, IAC, WILL, ECHO])
const BUSYBOX_NEGOTIATION = Buffer.from([IAC, DO, ECHO, IAC, DO, 0x1f, IAC, WILL, ECHO, IAC, WILL, SGA])

export type TelnetProduct = 'linux-telnetd' | 'busybox'

/** What `/etc/issue.net` says on the persona's distro (netkit telnetd prints it before login). */
export function issueNet(os: PersonaStory['os']): string {
  switch (os.id) {
    case 'debian':
      return `Debian GNU/Linux ${os.versionId}`
    case 'ubuntu':
      return os.name
    case 'rocky':
    case 'rhel':
    case 'almalinux':
    case 'centos':
      return `${os.name}\nKernel ${os.kernel} on an ${os.arch}`
    default:
      return os.name
  }
}
/** /bin/login gives up after this many failures, as on a stock system. */
const MAX_LOGIN_FAILURES = 3

export const telnetEmulator: Emulator = {
  slug: 'telnet',
  defaultPorts: [23],
  async start(ctx: EmulatorContext): Promise<RunningEmulator> {
    const persona = personaFor(ctx)
    const story = personaOf(ctx)
    const credentials = credentialsFrom(ctx.config)
    const configured = story.services.telnet?.product
    const product: TelnetProduct =
      configured === 'busybox' || configured === 'linux-telnetd'
        ? configured
        : story.os.id === 'alpine' || story.family === 'embedded'
          ? 'busybox'
          : 'linux-telnetd'
    const banner = configString(ctx.config, 'banner') ?? (product === 'busybox' ? '' : issueNet(story.os))
    const lastLogins = new LastLogins(
      persona.random.fork('last-login'),
      story.timezone,
      story.bootTime * 1000,
    )
    return tcpOnEveryPort(ctx, {
      handle: (session) => telnetSession(session, persona, credentials, product, banner, lastLogins),
    })
  },
}

function telnetSession(
  session: TcpSession,
  persona: Persona,
  credentials: Credentials,
  product: TelnetProduct,
  banner: string,
  lastLogins: LastLogins,
) {
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
          banner: `${lastLogins.lineFor(username, session.ip, 'login')}\n`,
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
  const prompt = () => {
    const issue = banner ? `\r\n${banner.replace(/\r?\n/g, '\r\n')}\r\n` : '\r\r\n'
    write(`${issue}${persona.hostname} login: `)
  }
  let prompted = product === 'busybox'
  if (product === 'busybox') {
    session.write(BUSYBOX_NEGOTIATION)
    prompt()
  } else session.write(LINUX_NEGOTIATION)
  return {
    onData: (chunk: Buffer) => {
      if (!prompted) {
        // netkit telnetd starts login once the client has answered its option requests.
        prompted = true
        session.write(LINUX_AFTER_NEGOTIATION)
        prompt()
      }
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
