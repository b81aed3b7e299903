import { randomBytes, randomInt } from 'node:crypto'
import type { Persona } from '@decnet/core/schemas'
import { compareVersions } from '../versions.ts'
import { rfc2822, zonedTime } from '../wire-time.ts'

/**
 * How each MTA product words every SMTP reply. A scanner that reads an Exim greeting and then a
 * Postfix `502 5.5.2 Error: command not recognized` knows it talks to a fake, so the greeting,
 * the EHLO list, every error text and the queue-id format all come from one product.
 */
export const MTA_PRODUCTS = ['postfix', 'exim', 'sendmail', 'exchange'] as const
export type MtaProduct = (typeof MTA_PRODUCTS)[number]

export type MtaIdentity = {
  product: MtaProduct
  /** Upstream version (`3.7.11`, `4.96`, `8.17.1.9`, `15.1.2507.39`). */
  version: string
  /** Name the MTA gives itself (`mail01.corp.example`). */
  fqdn: string
  timezone: string
  os: Persona['os']
  /**
   * The persona's announced text after the host name (`ESMTP Postfix (Debian/GNU)`, `ESMTP Exim
   * 4.95 Ubuntu`, `ESMTP Sendmail 8.15.2/8.15.2/Debian-22ubuntu3`, `Microsoft ESMTP MAIL Service
   * ready`): the packaging details are the persona's; the date is added per connection.
   */
  banner: string | undefined
}

/** One SMTP client as the MTA describes it in its replies. */
export type SmtpPeer = { ip: string; helo: string }

/** Every reply is returned whole (status, enhanced code, text); multi-line replies joined by CRLF. */
export type MtaDialect = {
  greeting(nowMs: number): string
  /** EHLO reply; `auth` lists the SASL mechanisms offered. */
  ehlo(peer: SmtpPeer, auth: string): string
  helo(peer: SmtpPeer): string
  heloSyntax(verb: 'HELO' | 'EHLO'): string
  /** Reply to MAIL before HELO, or undefined when the MTA does not insist on a greeting. */
  needHelo: string | undefined
  mailOk(sender: string): string
  nestedMail: string
  mailSyntax: string
  needMail: string
  rcptSyntax: string
  rcptOk(recipient: string): string
  relayDenied(recipient: string): string
  unknownUser(recipient: string): string
  tooManyRecipients: string
  needRcpt: string
  dataStart: string
  /**
   * `messageId` is the message's own Message-ID header, when it has one (Exchange echoes it);
   * `pid` the id of the process serving this connection (Exim and Sendmail fork one per client).
   */
  queued(nowMs: number, messageId: string | undefined, pid: number): string
  tooBig: string
  rset: string
  noop: string
  vrfy(argument: string): string
  help: string
  quit: string
  unknown(verb: string, line: string): string
  /** STARTTLS is not advertised: the reply a server without TLS gives. */
  starttls: string
  authOk: string
  authFailed: string
  authAborted: string
  authUnsupported(mechanism: string): string
  /** SASL mechanisms the EHLO reply lists. */
  authMechanisms: string
}

export function mtaDialect(identity: MtaIdentity): MtaDialect {
  switch (identity.product) {
    case 'postfix':
      return postfix(identity)
    case 'exim':
      return exim(identity)
    case 'sendmail':
      return sendmail(identity)
    case 'exchange':
      return exchange(identity)
  }
}

const ehloLines = (first: string, keywords: string[]) =>
  [first, ...keywords]
    .map((text, index, all) => `250${index === all.length - 1 ? ' ' : '-'}${text}`)
    .join('\r\n')

/** Postfix: Debian and Ubuntu patch their name into `smtpd_banner`; upstream shows none. */
function postfix({ fqdn, os, banner }: MtaIdentity): MtaDialect {
  const packaging = os.id === 'debian' ? ' (Debian/GNU)' : os.id === 'ubuntu' ? ' (Ubuntu)' : ''
  const announced = banner ?? `ESMTP Postfix${packaging}`
  return {
    greeting: () => `220 ${fqdn} ${announced}`,
    ehlo: (_peer, auth) =>
      ehloLines(fqdn, [
        'PIPELINING',
        'SIZE 10240000',
        'VRFY',
        'ETRN',
        ...(auth ? [`AUTH ${auth}`] : []),
        'ENHANCEDSTATUSCODES',
        '8BITMIME',
        'DSN',
        'SMTPUTF8',
        'CHUNKING',
      ]),
    helo: () => `250 ${fqdn}`,
    heloSyntax: (verb) => `501 Syntax: ${verb} hostname`,
    needHelo: '503 5.5.1 Error: send HELO/EHLO first',
    mailOk: () => '250 2.1.0 Ok',
    nestedMail: '503 5.5.1 Error: nested MAIL command',
    mailSyntax: '501 5.5.4 Syntax: MAIL FROM:<address>',
    needMail: '503 5.5.1 Error: need MAIL command',
    rcptSyntax: '501 5.5.4 Syntax: RCPT TO:<address>',
    rcptOk: () => '250 2.1.5 Ok',
    relayDenied: (to) => `554 5.7.1 <${to}>: Relay access denied`,
    unknownUser: (to) =>
      `550 5.1.1 <${to}>: Recipient address rejected: User unknown in local recipient table`,
    tooManyRecipients: '452 4.5.3 Error: too many recipients',
    needRcpt: '554 5.5.1 Error: no valid recipients',
    dataStart: '354 End data with <CR><LF>.<CR><LF>',
    queued: (nowMs) => `250 2.0.0 Ok: queued as ${postfixQueueId(nowMs)}`,
    tooBig: '552 5.3.4 Error: message file too big',
    rset: '250 2.0.0 Ok',
    noop: '250 2.0.0 Ok',
    vrfy: (argument) =>
      argument ? `252 2.0.0 ${argument.replace(/^<|>$/g, '')}` : '501 5.5.4 Syntax: VRFY address',
    help: '502 5.5.2 Error: command not recognized',
    quit: '221 2.0.0 Bye',
    unknown: () => '502 5.5.2 Error: command not recognized',
    starttls: '502 5.5.1 Error: command not implemented',
    authOk: '235 2.7.0 Authentication successful',
    authFailed: '535 5.7.8 Error: authentication failed: authentication failure',
    authAborted: '501 5.7.0 Authentication aborted',
    authUnsupported: () => '535 5.7.8 Error: authentication failed: Invalid authentication mechanism',
    authMechanisms: 'PLAIN LOGIN',
  }
}

/** Exim as Debian configures it: `smtp_banner` with the time of day, `550 relay not permitted`. */
function exim({ fqdn, version, timezone, banner }: MtaIdentity): MtaDialect {
  const announced = banner ?? `ESMTP Exim ${version}`
  const hello = (peer: SmtpPeer) => `${fqdn} Hello ${peer.helo} [${peer.ip}]`
  const longIds = compareVersions(version, '4.97') >= 0
  return {
    greeting: (nowMs) => `220 ${fqdn} ${announced} ${rfc2822(nowMs, timezone, true)}`,
    ehlo: (peer, auth) =>
      ehloLines(hello(peer), [
        'SIZE 52428800',
        '8BITMIME',
        'PIPELINING',
        ...(auth ? [`AUTH ${auth}`] : []),
        'CHUNKING',
        'PRDR',
        'HELP',
      ]),
    helo: (peer) => `250 ${hello(peer)}`,
    heloSyntax: (verb) => `501 Syntactically invalid ${verb} argument(s)`,
    needHelo: undefined,
    mailOk: () => '250 OK',
    nestedMail: '503 sender already given',
    mailSyntax: '501 MAIL must have an address operand',
    needMail: '503 sender not yet given',
    rcptSyntax: '501 RCPT must have an address operand',
    rcptOk: () => '250 Accepted',
    relayDenied: () => '550 relay not permitted',
    unknownUser: () => '550 Unrouteable address',
    tooManyRecipients: '452 too many recipients',
    needRcpt: '503 valid RCPT command must precede DATA',
    dataStart: '354 Enter message, ending with "." on a line by itself',
    queued: (nowMs, _messageId, pid) => `250 OK id=${eximMessageId(nowMs, pid, longIds)}`,
    tooBig: '552 Message size exceeds maximum permitted',
    rset: '250 Reset OK',
    noop: '250 OK',
    vrfy: () => '252 Administrative prohibition',
    help: '214-Commands supported:\r\n214 AUTH HELO EHLO MAIL RCPT DATA BDAT NOOP QUIT RSET HELP',
    quit: `221 ${fqdn} closing connection`,
    unknown: () => '500 unrecognized command',
    starttls: '503 STARTTLS command used when not advertised',
    authOk: '235 Authentication succeeded',
    authFailed: '535 Incorrect authentication data',
    authAborted: '501 Authentication cancelled',
    authUnsupported: (mechanism) => `504 ${mechanism} mechanism not supported`,
    authMechanisms: 'PLAIN LOGIN',
  }
}

/** Sendmail 8: `Hello …, pleased to meet you`, `<addr>... Sender ok`, Debian's novrfy privacy. */
function sendmail({ fqdn, version, timezone, os, banner }: MtaIdentity): MtaDialect {
  // Debian and Ubuntu build the version as `8.17.1.9/8.17.1.9/Debian-2`; others as `8.16.1/8.16.1`.
  const packaging = os.id === 'debian' || os.id === 'ubuntu' ? `/${version}/Debian-2` : `/${version}`
  const hello = (peer: SmtpPeer) => `${fqdn} Hello [${peer.ip}], pleased to meet you`
  return {
    greeting: (nowMs) =>
      `220 ${fqdn} ${banner ?? `ESMTP Sendmail ${version}${packaging}`}; ${rfc2822(nowMs, timezone, false)}`,
    ehlo: (peer, auth) =>
      ehloLines(hello(peer), [
        'ENHANCEDSTATUSCODES',
        'PIPELINING',
        'EXPN',
        'VERB',
        '8BITMIME',
        'SIZE',
        'DSN',
        'ETRN',
        ...(auth ? [`AUTH ${auth}`] : []),
        'DELIVERBY',
        'HELP',
      ]),
    helo: (peer) => `250 ${hello(peer)}`,
    heloSyntax: (verb) => `501 5.0.0 ${verb} requires domain address`,
    needHelo: '503 5.0.0 Polite people say HELO first',
    mailOk: (from) => `250 2.1.0 <${from}>... Sender ok`,
    nestedMail: '503 5.5.0 Sender already specified',
    mailSyntax: '501 5.5.2 Syntax error in parameters scanning "from"',
    needMail: '503 5.0.0 Need MAIL before RCPT',
    rcptSyntax: '501 5.5.2 Syntax error in parameters scanning "to"',
    rcptOk: (to) => `250 2.1.5 <${to}>... Recipient ok`,
    relayDenied: (to) => `550 5.7.1 <${to}>... Relaying denied`,
    unknownUser: (to) => `550 5.1.1 <${to}>... User unknown`,
    tooManyRecipients: '452 4.5.3 Too many recipients',
    needRcpt: '503 5.0.0 Need RCPT (recipient)',
    dataStart: '354 Enter mail, end with "." on a line by itself',
    queued: (nowMs, _messageId, pid) =>
      `250 2.0.0 ${sendmailQueueId(nowMs, timezone, pid % 1_000_000)} Message accepted for delivery`,
    tooBig: '552 5.2.3 Message exceeds maximum fixed size',
    rset: '250 2.0.0 Reset state',
    noop: '250 2.0.0 OK',
    vrfy: () => '252 2.5.2 Cannot VRFY user; try RCPT to attempt delivery (or try finger)',
    help: [
      `214-2.0.0 This is sendmail version ${version}`,
      '214-2.0.0 Topics:',
      '214-2.0.0 \tHELO\tEHLO\tMAIL\tRCPT\tDATA',
      '214-2.0.0 \tRSET\tNOOP\tQUIT\tHELP\tVRFY',
      '214-2.0.0 \tEXPN\tVERB\tETRN\tDSN\tAUTH',
      '214-2.0.0 \tSTARTTLS',
      '214-2.0.0 For more info use "HELP <topic>".',
      '214-2.0.0 To report bugs in the implementation see',
      '214-2.0.0 \thttp://www.sendmail.org/email-addresses.html',
      '214-2.0.0 For local information send email to Postmaster at your site.',
      '214 2.0.0 End of HELP info',
    ].join('\r\n'),
    quit: `221 2.0.0 ${fqdn} closing connection`,
    unknown: (_verb, line) => `500 5.5.1 Command unrecognized: "${line.slice(0, 200)}"`,
    starttls: '500 5.5.1 Command unrecognized: "STARTTLS"',
    authOk: '235 2.0.0 OK Authenticated',
    authFailed: '535 5.7.0 authentication failed',
    authAborted: '501 5.0.0 AUTH aborted',
    authUnsupported: (mechanism) => `504 5.3.3 AUTH mechanism ${mechanism} not available`,
    authMechanisms: 'DIGEST-MD5 CRAM-MD5 LOGIN PLAIN',
  }
}

/** Exchange 2016/2019 front-end receive connector. */
function exchange({ fqdn, timezone, banner }: MtaIdentity): MtaDialect {
  const hello = (peer: SmtpPeer) => `${fqdn} Hello [${peer.ip}]`
  return {
    greeting: (nowMs) =>
      `220 ${fqdn} ${banner ?? 'Microsoft ESMTP MAIL Service ready'} at ${rfc2822(nowMs, timezone, false)}`,
    ehlo: (peer, auth) =>
      ehloLines(hello(peer), [
        'SIZE 37748736',
        'PIPELINING',
        'DSN',
        'ENHANCEDSTATUSCODES',
        ...(auth ? [`AUTH ${auth}`] : []),
        'X-EXPS GSSAPI NTLM',
        '8BITMIME',
        'BINARYMIME',
        'CHUNKING',
        'SMTPUTF8',
        'XRDST',
      ]),
    helo: (peer) => `250 ${hello(peer)}`,
    heloSyntax: () => '501 5.5.4 Invalid domain name',
    needHelo: '503 5.5.2 Send hello first',
    mailOk: () => '250 2.1.0 Sender OK',
    nestedMail: '503 5.5.2 Sender already specified',
    mailSyntax: '501 5.5.4 Invalid arguments',
    needMail: '503 5.5.2 Need mail command',
    rcptSyntax: '501 5.5.4 Invalid arguments',
    rcptOk: () => '250 2.1.5 Recipient OK',
    relayDenied: () => '550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain',
    unknownUser: () =>
      '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
    tooManyRecipients: '452 4.5.3 Too many recipients',
    needRcpt: '503 5.5.2 Need rcpt command',
    dataStart: '354 Start mail input; end with <CR><LF>.<CR><LF>',
    queued: (_nowMs, messageId) =>
      `250 2.6.0 ${messageId ?? `<${exchangeGuid()}@${fqdn}>`} [InternalId=${randomInt(1_000_000, 99_999_999)}${randomInt(10_000, 99_999)}, Hostname=${fqdn}] Queued mail for delivery`,
    tooBig: '552 5.3.4 Message size exceeds fixed maximum message size',
    rset: '250 2.0.0 Resetting',
    noop: '250 2.0.0 OK',
    vrfy: () => '252 2.1.5 Cannot VRFY user',
    help: '214-This server supports the following commands:\r\n214 HELO EHLO STARTTLS RCPT DATA RSET MAIL QUIT HELP AUTH BDAT',
    quit: '221 2.0.0 Service closing transmission channel',
    unknown: () => '500 5.3.3 Unrecognized command',
    starttls: '454 4.7.0 Temporary authentication failure',
    authOk: '235 2.7.0 Authentication successful',
    authFailed: '535 5.7.3 Authentication unsuccessful',
    authAborted: '501 5.7.0 Authentication aborted',
    authUnsupported: () => '504 5.7.4 Unrecognized authentication type',
    authMechanisms: 'NTLM LOGIN',
  }
}

/**
 * Postfix short queue id: the microseconds of arrival (5 hex digits) then the queue file's inode
 * in hex, e.g. `4B2C81A0F3E`. Fresh per message, never a constant.
 */
export function postfixQueueId(nowMs: number): string {
  const micros = ((nowMs % 1000) * 1000 + randomInt(0, 1000)) % 1_000_000
  const inode = randomInt(0x10000, 0xfffffff)
  return `${micros.toString(16).padStart(5, '0')}${inode.toString(16)}`.toUpperCase()
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const base62 = (value: number, width: number) => {
  let out = ''
  let rest = Math.floor(value)
  for (let i = 0; i < width; i++) {
    out = BASE62[rest % 62] + out
    rest = Math.floor(rest / 62)
  }
  return out
}

/**
 * Exim message id: arrival time, receiving process id and sub-second part in base 62:
 * `1tIxYz-002Kq9-3F` (6-6-2) up to 4.96, `1tIxYz-00000002Kq9-3FaB` (6-11-4) from 4.97.
 */
export function eximMessageId(nowMs: number, pid: number, long: boolean): string {
  const seconds = Math.floor(nowMs / 1000)
  const fraction = long ? (nowMs % 1000) * 1000 + randomInt(0, 1000) : Math.floor((nowMs % 1000) * 2)
  return long
    ? `${base62(seconds, 6)}-${base62(pid, 11)}-${base62(fraction, 4)}`
    : `${base62(seconds, 6)}-${base62(pid, 6)}-${base62(fraction, 2)}`
}

const SENDMAIL_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx'

/** Sendmail queue id: year, month, day, hour, minute, second, a sequence pair, then the pid: `0B3Dq2lT012345`. */
export function sendmailQueueId(nowMs: number, timezone: string, pid: number): string {
  // Sendmail reads the local clock (`localtime`), years counted from 1900.
  const t = zonedTime(nowMs, timezone)
  const sequence = randomInt(0, 3600)
  const chars = [
    (t.year - 1900) % 60,
    t.month,
    t.day,
    t.hour,
    t.minute,
    t.second,
    Math.floor(sequence / 60),
    sequence % 60,
  ].map((n) => SENDMAIL_CHARS[n])
  return `${chars.join('')}${String(pid).padStart(6, '0')}`
}

function exchangeGuid(): string {
  const hex = randomBytes(16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
