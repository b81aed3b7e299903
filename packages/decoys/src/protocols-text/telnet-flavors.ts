import type { Persona } from '@decnet/core/schemas'

const IAC = 0xff
const DO = 0xfd
const WILL = 0xfb
const WONT = 0xfc
const ECHO = 0x01
const SGA = 0x03
const TTYPE = 0x18
const NAWS = 0x1f

export const TELNET_PRODUCTS = ['linux-telnetd', 'busybox', 'cisco-ios'] as const
export type TelnetProduct = (typeof TELNET_PRODUCTS)[number]

/**
 * How one telnet server greets and words its login, down to the option bytes it sends first
 * (scanners tell the daemons apart by those bytes alone).
 */
export type TelnetFlavor = {
  negotiation: Buffer
  /** netkit telnetd starts login only once the client answered its option requests. */
  waitForClient: boolean
  /** Sent once the client answered (netkit), before the greeting. */
  afterNegotiation: Buffer
  greeting: string
  /** Undefined for a password-only login (device consoles). */
  loginPrompt: string | undefined
  passwordPrompt: string
  /** Written after a refused password, before the next prompt. */
  failure: string
  /** Last message before hanging up after too many failures. */
  giveUp: string
  maxFailures: number
  /** util-linux login prints the previous login; BusyBox login and IOS print none. */
  showsLastLogin: boolean
}

/** What `/etc/issue.net` says on the persona's distro (netkit telnetd prints it before login). */
export function issueNet(os: Persona['os']): string {
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

const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n')

/**
 * `banner` is the operator's override of the text shown before login; `serviceBanner` what the
 * persona says the product shows (a device's console name, for instance).
 */
export function telnetFlavor(
  product: TelnetProduct,
  persona: Persona,
  hostname: string,
  banner: string | undefined,
  serviceBanner: string | undefined,
): TelnetFlavor {
  switch (product) {
    case 'cisco-ios':
      return {
        negotiation: Buffer.from([IAC, WILL, ECHO, IAC, WILL, SGA, IAC, DO, TTYPE, IAC, DO, NAWS]),
        waitForClient: false,
        afterNegotiation: Buffer.alloc(0),
        greeting: `\r\n\r\n${crlf(banner ?? 'User Access Verification')}\r\n\r\n`,
        loginPrompt: 'Username: ',
        passwordPrompt: 'Password: ',
        failure: '\r\n% Login invalid\r\n\r\n',
        giveUp: '\r\n% Bad passwords\r\n',
        maxFailures: 3,
        showsLastLogin: false,
      }
    case 'busybox': {
      const device = serviceBanner && !serviceBanner.startsWith('BusyBox') ? serviceBanner : undefined
      if (device && banner === undefined) {
        // A device console (HP JetDirect and the like): its name, then a password alone.
        return {
          negotiation: Buffer.from([IAC, WONT, ECHO]),
          waitForClient: false,
          afterNegotiation: Buffer.alloc(0),
          greeting: `\r\n${crlf(device)}\r\n\r\n`,
          loginPrompt: undefined,
          passwordPrompt: 'Password:',
          failure: '\r\nInvalid password\r\n',
          giveUp: '\r\n',
          maxFailures: 3,
          showsLastLogin: false,
        }
      }
      return {
        negotiation: Buffer.from([IAC, DO, ECHO, IAC, DO, NAWS, IAC, WILL, ECHO, IAC, WILL, SGA]),
        waitForClient: false,
        afterNegotiation: Buffer.alloc(0),
        // BusyBox login prints no issue of its own; an operator's banner goes before the prompt.
        greeting: banner === undefined ? '\r\r\n' : `\r\n${crlf(banner)}\r\n`,
        loginPrompt: `${hostname} login: `,
        passwordPrompt: 'Password: ',
        failure: '\r\nLogin incorrect\r\n',
        giveUp: '\r\nLogin incorrect\r\n',
        maxFailures: 3,
        showsLastLogin: false,
      }
    }
    case 'linux-telnetd': {
      const freebsd = persona.os.id === 'freebsd'
      const issue =
        banner ??
        (freebsd
          ? `${persona.os.name.split(' ')[0] ?? 'FreeBSD'}/${persona.os.arch} (${hostname}) (pts/0)\n`
          : issueNet(persona.os))
      return {
        negotiation: Buffer.from([IAC, DO, TTYPE, IAC, DO, 0x20, IAC, DO, 0x23, IAC, DO, 0x27]),
        waitForClient: true,
        afterNegotiation: Buffer.from([IAC, WILL, SGA, IAC, WILL, ECHO]),
        greeting: `\r\n${crlf(issue)}\r\n`,
        // FreeBSD's login prompts without the host name (it is in the banner line).
        loginPrompt: freebsd ? 'login: ' : `${hostname} login: `,
        passwordPrompt: 'Password: ',
        failure: '\r\nLogin incorrect\r\n',
        giveUp: '\r\nLogin incorrect\r\n',
        maxFailures: 3,
        showsLastLogin: true,
      }
    }
  }
}
