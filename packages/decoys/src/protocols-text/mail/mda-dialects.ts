import { randomInt } from 'node:crypto'
import type { Persona } from '@decnet/core/schemas'
import { compareVersions } from '../versions.ts'

/**
 * How each mailbox server (MDA) words IMAP and POP3: Dovecot's `Fetch completed (0.001 + 0.000
 * secs).` next to an Exchange greeting would give the decoy away, so one product speaks for both.
 */
export const MDA_PRODUCTS = ['dovecot', 'exchange'] as const
export type MdaProduct = (typeof MDA_PRODUCTS)[number]

export type MdaIdentity = {
  product: MdaProduct
  /** Upstream version (`2.3.19.1`, Exchange `15.1.2507.39`). */
  version: string
  fqdn: string
  os: Persona['os']
  /** The mail domain and timezone of the decky (bait message addresses and dates). */
  domain: string | undefined
  timezone: string
  /** The persona's greeting text for this service (`Dovecot (Debian) ready.`), when it names this product. */
  banner: string | undefined
}

export type ImapDialect = {
  greeting: string
  /** The greeting with an operator's text (the `banner` config) in place of the product's. */
  greetingWith(text: string): string
  capabilities: string
  /** Capabilities after login (Dovecot announces more once authenticated). */
  capabilitiesAfterLogin: string
  capabilityOk: string
  loginOk: string
  loginFailed(mechanism: 'LOGIN' | 'AUTHENTICATE'): string
  authUnsupported: string
  notAuthenticated(verb: string): string
  unknown(verb: string): string
  badSyntax: string
  noMailbox(verb: string, name: string): string
  noSelection: string
  /** Tagged OK text of a completed command (`FETCH` → `Fetch completed (0.001 + 0.000 secs).`). */
  completed(verb: string): string
  id: string
  bye: string
  starttls: string
}

export type Pop3Dialect = {
  greeting: string
  capa: string[]
  userOk(name: string): string
  noUser: string
  loginOk: string
  loginFailed: string
  notAuthenticated: string
  unknown(verb: string): string
  noMessage: string
  deleted: string
  quit: string
  stls: string
}

/**
 * Exchange 2013 and later (version 15) name themselves in their greetings as base64 of the
 * UTF-16LE server FQDN; 2007/2010 do not.
 */
const exchangeTag = (fqdn: string, version: string) =>
  compareVersions(version, '15') >= 0 ? ` [${Buffer.from(fqdn, 'utf16le').toString('base64')}]` : ''

const dovecotName = (os: Persona['os']) =>
  os.id === 'debian' ? 'Dovecot (Debian)' : os.id === 'ubuntu' ? 'Dovecot (Ubuntu)' : 'Dovecot'

/** Dovecot 2.3 reports the time a command took: `(0.001 + 0.000 secs)`. */
const dovecotTiming = () => `(0.00${randomInt(1, 10)} + 0.000 secs)`

const DOVECOT_PRE = 'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN AUTH=LOGIN'
const DOVECOT_POST =
  'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY SPECIAL-USE'
const EXCHANGE_CAPABILITIES =
  'IMAP4 IMAP4rev1 AUTH=NTLM AUTH=GSSAPI AUTH=PLAIN SASL-IR UIDPLUS MOVE ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+'

export function imapDialect({ product, version, fqdn, os, banner }: MdaIdentity): ImapDialect {
  if (product === 'exchange') {
    return {
      greeting: `* OK ${banner ?? 'The Microsoft Exchange IMAP4 service is ready.'}${exchangeTag(fqdn, version)}`,
      greetingWith: (text) => `* OK ${text}`,
      capabilities: EXCHANGE_CAPABILITIES,
      capabilitiesAfterLogin: EXCHANGE_CAPABILITIES,
      capabilityOk: 'OK CAPABILITY completed.',
      loginOk: 'OK LOGIN completed.',
      loginFailed: (mechanism) => `NO ${mechanism} failed.`,
      authUnsupported: 'NO The specified authentication mechanism is not supported.',
      notAuthenticated: () => 'BAD Command received in Invalid state.',
      unknown: () => 'BAD Command Error. 10',
      badSyntax: 'BAD Command Error. 12',
      noMailbox: (verb) => `NO ${verb} failed.`,
      noSelection: 'BAD Command received in Invalid state.',
      completed: (verb) => `OK ${verb} completed.`,
      id: '* ID NIL',
      bye: '* BYE Microsoft Exchange Server IMAP4 server signing off.',
      starttls: 'BAD Command received in Invalid state.',
    }
  }
  return {
    greeting: `* OK [CAPABILITY ${DOVECOT_PRE}] ${banner ?? `${dovecotName(os)} ready.`}`,
    greetingWith: (text) => `* OK [CAPABILITY ${DOVECOT_PRE}] ${text}`,
    capabilities: DOVECOT_PRE,
    capabilitiesAfterLogin: DOVECOT_POST,
    capabilityOk: 'OK Pre-login capabilities listed, post-login capabilities have more.',
    loginOk: `OK [CAPABILITY ${DOVECOT_POST}] Logged in`,
    loginFailed: () => 'NO [AUTHENTICATIONFAILED] Authentication failed.',
    authUnsupported: 'NO Unsupported authentication mechanism.',
    // imap-login knows only the pre-login commands; anything else is this (nmap's GetRequest match).
    notAuthenticated: () => 'BAD Error in IMAP command received by server.',
    unknown: (verb) => `BAD Error in IMAP command ${verb}: Unknown command.`,
    badSyntax: 'BAD Error in IMAP command received by server.',
    noMailbox: (_verb, name) => `NO Mailbox doesn't exist: ${name}`,
    noSelection: 'BAD No mailbox selected.',
    completed: (verb) => {
      const word = verb.charAt(0) + verb.slice(1).toLowerCase()
      return verb === 'NOOP'
        ? `OK NOOP completed ${dovecotTiming()}.`
        : `OK ${word} completed ${dovecotTiming()}.`
    },
    id: '* ID ("name" "Dovecot")',
    bye: '* BYE Logging out',
    starttls: "NO [ALERT] TLS support isn't enabled.",
  }
}

export function pop3Dialect({ product, version, fqdn, os, banner }: MdaIdentity): Pop3Dialect {
  if (product === 'exchange') {
    return {
      greeting: `+OK ${banner ?? 'The Microsoft Exchange POP3 service is ready.'}${exchangeTag(fqdn, version)}`,
      capa: ['TOP', 'UIDL', 'SASL NTLM GSSAPI PLAIN', 'USER'],
      userOk: () => '+OK',
      noUser: '-ERR Command is not valid in this state.',
      loginOk: '+OK User successfully logged on.',
      loginFailed: '-ERR Logon failure: unknown user name or bad password.',
      notAuthenticated: '-ERR Command is not valid in this state.',
      unknown: () => '-ERR Protocol error. 14',
      noMessage: '-ERR The specified message is out of range.',
      deleted: '+OK',
      quit: '+OK Microsoft Exchange Server POP3 server signing off.',
      stls: '-ERR Command is not valid in this state.',
    }
  }
  return {
    greeting: `+OK ${banner ?? `${dovecotName(os)} ready.`}`,
    capa: ['CAPA', 'TOP', 'UIDL', 'RESP-CODES', 'PIPELINING', 'AUTH-RESP-CODE', 'USER', 'SASL PLAIN LOGIN'],
    userOk: () => '+OK',
    noUser: '-ERR No username given.',
    loginOk: '+OK Logged in.',
    loginFailed: '-ERR [AUTH] Authentication failed.',
    notAuthenticated: '-ERR Unknown command.',
    unknown: () => '-ERR Unknown command.',
    noMessage: "-ERR There's no message.",
    deleted: '+OK Marked to be deleted.',
    quit: '+OK Logging out.',
    stls: '-ERR TLS support not enabled.',
  }
}
