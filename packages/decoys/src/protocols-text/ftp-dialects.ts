import type { Persona } from '@decnet/core/schemas'
import { clockTime, lsDate, zonedTime } from './wire-time.ts'
import { MONTH_NAMES } from './zone-clock.ts'

/**
 * How each FTP server product words its replies. A vsFTPd greeting followed by ProFTPD's
 * `500 FOO not understood` (or a Windows SYST on a Linux decky) gives the decoy away.
 */
export const FTP_PRODUCTS = ['vsftpd', 'proftpd', 'pure-ftpd', 'microsoft-ftp', 'embedded-ftp'] as const
export type FtpProduct = (typeof FTP_PRODUCTS)[number]

export type FtpFile = { name: string; size: number; modifiedMs: number }

export type FtpIdentity = {
  product: FtpProduct
  version: string
  hostname: string
  timezone: string
  os: Persona['os']
  /** What the persona says the product announces (an embedded server's whole greeting). */
  banner: string | undefined
}

export type FtpDialect = {
  /** Whole greeting, every line with its `220` code; made per connection (Pure-FTPd prints the time). */
  greeting(nowMs: number, localAddress: string, localPort: number): string
  /** Commands answered before login; everything else gets `notLoggedIn`. */
  preLogin: ReadonlySet<string>
  syst: string
  feat: string
  help: string
  unknown(verb: string): string
  notLoggedIn: string
  user(name: string, anonymous: boolean): string
  loginOk(anonymous: boolean): string
  loginFailed: string
  quit: string
  noop: string
  pwd(cwd: string): string
  cwdOk(dir: string): string
  cwdFailed(dir: string): string
  type(binary: boolean): string
  pasv(tuple: string): string
  epsv(port: number): string
  port: string
  needDataConnection: string
  listStart: string
  listDone(count: number): string
  retrStart(file: FtpFile): string
  retrDone: string
  noSuchFile(name: string): string
  size(file: FtpFile): string
  storStart(name: string): string
  storDone: string
  storTooBig: string
  /** Directory listing in the server's own format (Unix `ls -l` or IIS's DOS style). */
  listing(files: FtpFile[], nowMs: number): string
}

export function ftpDialect(identity: FtpIdentity): FtpDialect {
  switch (identity.product) {
    case 'vsftpd':
      return vsftpd(identity)
    case 'proftpd':
      return proftpd(identity)
    case 'pure-ftpd':
      return pureFtpd(identity)
    case 'microsoft-ftp':
      return microsoftFtp(identity)
    case 'embedded-ftp':
      return embeddedFtp(identity)
  }
}

const SIX_MONTHS_MS = 182 * 86_400_000

/** `ls -l` date: `Dec  3 13:05` within six months, `Mar 14  2025` for older files. */
function unixDate(ms: number, nowMs: number, timeZone: string): string {
  if (nowMs - ms < SIX_MONTHS_MS) return lsDate(ms, timeZone)
  const t = zonedTime(ms, timeZone)
  return `${MONTH_NAMES[t.month]} ${String(t.day).padStart(2, ' ')}  ${t.year}`
}

function unixListing(files: FtpFile[], nowMs: number, timeZone: string, owner: string, group: string) {
  return files
    .map(
      (f) =>
        `-rw-r--r--    1 ${owner.padEnd(8)} ${group.padEnd(8)} ${String(f.size).padStart(8)} ${unixDate(f.modifiedMs, nowMs, timeZone)} ${f.name}`,
    )
    .join('\r\n')
}

const OPEN_BEFORE_LOGIN = ['USER', 'PASS', 'QUIT', 'FEAT', 'OPTS', 'AUTH', 'HELP', 'SYST', 'NOOP']

function vsftpd({ version, timezone }: FtpIdentity): FtpDialect {
  return {
    greeting: () => `220 (vsFTPd ${version})`,
    // vsftpd's prelogin.c answers only these; SYST and HELP wait for the login.
    preLogin: new Set(['USER', 'PASS', 'QUIT', 'FEAT', 'OPTS', 'AUTH']),
    syst: '215 UNIX Type: L8',
    feat: '211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n REST STREAM\r\n SIZE\r\n TVFS\r\n211 End',
    help: [
      '214-The following commands are recognized.',
      ' ABOR ACCT ALLO APPE CDUP CWD  DELE EPRT EPSV FEAT HELP LIST MDTM MKD',
      ' MODE NLST NOOP OPTS PASS PASV PORT PWD  QUIT REIN REST RETR RMD  RNFR',
      ' RNTO SITE SIZE SMNT STAT STOR STOU STRU SYST TYPE USER XCUP XCWD XMKD',
      ' XPWD XRMD',
      '214 Help OK.',
    ].join('\r\n'),
    unknown: () => '500 Unknown command.',
    notLoggedIn: '530 Please login with USER and PASS.',
    user: () => '331 Please specify the password.',
    loginOk: () => '230 Login successful.',
    loginFailed: '530 Login incorrect.',
    quit: '221 Goodbye.',
    noop: '200 NOOP ok.',
    pwd: (cwd) => `257 "${cwd}" is the current directory`,
    cwdOk: () => '250 Directory successfully changed.',
    cwdFailed: () => '550 Failed to change directory.',
    type: (binary) => `200 Switching to ${binary ? 'Binary' : 'ASCII'} mode.`,
    pasv: (tuple) => `227 Entering Passive Mode (${tuple}).`,
    epsv: (port) => `229 Entering Extended Passive Mode (|||${port}|)`,
    port: '500 Illegal PORT command.',
    needDataConnection: '425 Use PORT or PASV first.',
    listStart: '150 Here comes the directory listing.',
    listDone: () => '226 Directory send OK.',
    retrStart: (f) => `150 Opening BINARY mode data connection for ${f.name} (${f.size} bytes).`,
    retrDone: '226 Transfer complete.',
    noSuchFile: () => '550 Failed to open file.',
    size: (f) => `213 ${f.size}`,
    storStart: () => '150 Ok to send data.',
    storDone: '226 Transfer complete.',
    storTooBig: '552 Requested file action aborted.',
    // vsftpd prints numeric ids unless text_userdb_names=YES.
    listing: (files, nowMs) => unixListing(files, nowMs, timezone, '1001', '1001'),
  }
}

function proftpd({ version, hostname, timezone, os, banner }: FtpIdentity): FtpDialect {
  // Debian's and Ubuntu's proftpd.conf set `ServerName "Debian"`; RHEL's EPEL build "ProFTPD server".
  // The persona's banner may name it (`ProFTPD Server (Ubuntu)`). The version stays in the greeting:
  // without it nmap guesses one from later probes (1.2.10), contradicting the persona.
  const serverName =
    /\(([^)]+)\)/.exec(banner ?? '')?.[1] ??
    (os.id === 'debian' || os.id === 'ubuntu' ? 'Debian' : 'ProFTPD server')
  return {
    greeting: (_now, localAddress) =>
      `220 ProFTPD ${version} Server (${serverName}) [${localAddress.includes(':') ? localAddress : `::ffff:${localAddress}`}]`,
    preLogin: new Set(OPEN_BEFORE_LOGIN),
    syst: '215 UNIX Type: L8',
    feat: [
      '211-Features:',
      ' LANG en-US*',
      ' MDTM',
      ' MFMT',
      ' TVFS',
      ' UTF8',
      ' MFF modify;UNIX.group;UNIX.mode;',
      ' MLST modify*;perm*;size*;type*;unique*;UNIX.group*;UNIX.groupname*;UNIX.mode*;UNIX.owner*;UNIX.ownername*;',
      ' SITE MKDIR',
      ' SITE RMDIR',
      ' SITE UTIME',
      ' SITE SYMLINK',
      ' REST STREAM',
      ' SITE COPY',
      ' SIZE',
      '211 End',
    ].join('\r\n'),
    help: [
      "214-The following commands are recognized (* =>'s unimplemented):",
      ' CWD     XCWD    CDUP    XCUP    SMNT*   QUIT    PORT    PASV    ',
      ' EPRT    EPSV    ALLO*   RNFR    RNTO    DELE    MDTM    RMD     ',
      ' XRMD    MKD     XMKD    PWD     XPWD    SIZE    SYST    HELP    ',
      ' NOOP    FEAT    OPTS    AUTH*   CCC*    CONF*   ENC*    MIC*    ',
      ' PBSZ*   PROT*   TYPE    STRU    MODE    RETR    STOR    STOU    ',
      ' APPE    REST    ABOR    USER    PASS    ACCT*   REIN*   LIST    ',
      ' NLST    STAT    SITE    MLSD    MLST    ',
      `214 Direct comments to root@${hostname}`,
    ].join('\r\n'),
    unknown: (verb) => `500 ${verb} not understood`,
    notLoggedIn: '530 Please login with USER and PASS',
    user: (name, anonymous) =>
      anonymous
        ? '331 Anonymous login ok, send your complete email address as your password'
        : `331 Password required for ${name}`,
    loginOk: (anonymous) =>
      anonymous ? '230 Anonymous access granted, restrictions apply' : '230 User logged in',
    loginFailed: '530 Login incorrect.',
    quit: '221 Goodbye.',
    noop: '200 NOOP command successful',
    pwd: (cwd) => `257 "${cwd}" is the current directory`,
    cwdOk: () => '250 CWD command successful',
    cwdFailed: (dir) => `550 ${dir}: No such file or directory`,
    type: (binary) => `200 Type set to ${binary ? 'I' : 'A'}`,
    pasv: (tuple) => `227 Entering Passive Mode (${tuple}).`,
    epsv: (port) => `229 Entering Extended Passive Mode (|||${port}|)`,
    port: '500 Illegal PORT command',
    needDataConnection: '425 Unable to build data connection: Connection refused',
    listStart: '150 Opening ASCII mode data connection for file list',
    listDone: () => '226 Transfer complete',
    retrStart: (f) => `150 Opening BINARY mode data connection for ${f.name} (${f.size} bytes)`,
    retrDone: '226 Transfer complete',
    noSuchFile: (name) => `550 ${name}: No such file or directory`,
    size: (f) => `213 ${f.size}`,
    storStart: (name) => `150 Opening BINARY mode data connection for ${name}`,
    storDone: '226 Transfer complete',
    storTooBig: '552 Transfer aborted. Disk quota exceeded',
    listing: (files, nowMs) => unixListing(files, nowMs, timezone, 'ftp', 'nogroup'),
  }
}

function pureFtpd({ timezone }: FtpIdentity): FtpDialect {
  return {
    greeting: (nowMs, _address, localPort) =>
      [
        '220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------',
        '220-You are user number 1 of 50 allowed.',
        `220-Local time is now ${clockTime(nowMs, timezone)}. Server port: ${localPort}.`,
        '220-IPv6 connections are also welcome on this server.',
        '220 You will be disconnected after 15 minutes of inactivity.',
      ].join('\r\n'),
    preLogin: new Set(OPEN_BEFORE_LOGIN),
    syst: '215 UNIX Type: L8',
    feat: [
      '211-Extensions supported:',
      ' UTF8',
      ' EPRT',
      ' IDLE',
      ' MDTM',
      ' SIZE',
      ' MFMT',
      ' REST STREAM',
      ' MLST type*;size*;sizd*;modify*;UNIX.mode*;UNIX.uid*;UNIX.gid*;unique*;',
      ' MLSD',
      ' PRET',
      ' AUTH TLS',
      ' PBSZ',
      ' PROT',
      ' TVFS',
      ' ESTA',
      ' PASV',
      ' EPSV',
      ' ESTP',
      '211 End.',
    ].join('\r\n'),
    help: '214-The following SITE commands are recognized\r\n ALIAS\r\n CHMOD\r\n IDLE\r\n UTIME\r\n214 Pure-FTPd - http://pureftpd.org/',
    unknown: () => '500 Unknown command',
    notLoggedIn: "530 You aren't logged in",
    user: (name, anonymous) =>
      anonymous ? '331 Any password will work' : `331 User ${name} OK. Password required`,
    loginOk: (anonymous) => (anonymous ? '230 Anonymous user logged in' : '230 OK. Current directory is /'),
    loginFailed: '530 Login authentication failed',
    quit: '221-Goodbye. You uploaded 0 and downloaded 0 kbytes.\r\n221 Logout.',
    noop: '200 Zzz...',
    pwd: (cwd) => `257 "${cwd}" is your current location`,
    cwdOk: (dir) => `250 OK. Current directory is ${dir}`,
    cwdFailed: (dir) => `550 Can't change directory to ${dir}: No such file or directory`,
    type: (binary) => `200 TYPE is now ${binary ? '8-bit binary' : 'ASCII'}`,
    pasv: (tuple) => `227 Entering Passive Mode (${tuple})`,
    epsv: (port) => `229 Extended Passive mode OK (|||${port}|)`,
    port: "500 I won't open a connection to a port lower than 1024",
    needDataConnection: '425 No data connection',
    listStart: '150 Accepted data connection',
    listDone: (count) => `226-Options: -l \r\n226 ${count} matches total`,
    retrStart: (f) => `150-Accepted data connection\r\n150 ${(f.size / 1024).toFixed(1)} kbytes to download`,
    retrDone: '226-File successfully transferred\r\n226 0.000 seconds (measured here)',
    noSuchFile: (name) => `550 Can't open ${name}: No such file or directory`,
    size: (f) => `213 ${f.size}`,
    storStart: () => '150 Accepted data connection',
    storDone: '226-File successfully transferred\r\n226 0.000 seconds (measured here)',
    storTooBig: '552 Quota exceeded',
    listing: (files, nowMs) => unixListing(files, nowMs, timezone, 'ftpuser', 'ftpgroup'),
  }
}

function microsoftFtp({ timezone }: FtpIdentity): FtpDialect {
  return {
    greeting: () => '220 Microsoft FTP Service',
    preLogin: new Set(OPEN_BEFORE_LOGIN),
    syst: '215 Windows_NT',
    feat: [
      '211-Extended features supported:',
      ' LANG EN*',
      ' UTF8',
      ' AUTH TLS;TLS-C;SSL;TLS-P;',
      ' PBSZ',
      ' PROT C;P;',
      ' CCC',
      ' HOST',
      ' SIZE',
      ' MDTM',
      ' REST STREAM',
      '211 END',
    ].join('\r\n'),
    help: [
      "214-The following commands are recognized (* ==>'s unimplemented).",
      '    ABOR',
      '    ACCT',
      '    ADAT *',
      '    ALLO',
      '    APPE',
      '    AUTH',
      '    CCC',
      '    CDUP',
      '    CWD',
      '    DELE',
      '    ENC *',
      '    EPRT',
      '    EPSV',
      '    FEAT',
      '    HELP',
      '    HOST',
      '    LANG',
      '    LIST',
      '    MDTM',
      '    MIC *',
      '    MKD',
      '    MODE',
      '    NLST',
      '    NOOP',
      '    OPTS',
      '    PASS',
      '    PASV',
      '    PBSZ',
      '    PORT',
      '    PROT',
      '    PWD',
      '    QUIT',
      '    REIN',
      '    REST',
      '    RETR',
      '    RMD',
      '    RNFR',
      '    RNTO',
      '    SITE',
      '    SIZE',
      '    SMNT',
      '    STAT',
      '    STOR',
      '    STOU',
      '    STRU',
      '    SYST',
      '    TYPE',
      '    USER',
      '    XCUP',
      '    XCWD',
      '    XMKD',
      '    XPWD',
      '    XRMD',
      '214 HELP command successful.',
    ].join('\r\n'),
    unknown: (verb) => `500 '${verb}': command not understood`,
    notLoggedIn: '530 Please login with USER and PASS.',
    user: (_name, anonymous) =>
      anonymous
        ? '331 Anonymous access allowed, send identity (e-mail name) as password.'
        : '331 Password required',
    loginOk: () => '230 User logged in.',
    loginFailed: '530 User cannot log in.',
    quit: '221 Goodbye.',
    noop: '200 NOOP command successful.',
    pwd: (cwd) => `257 "${cwd}" is current directory.`,
    cwdOk: () => '250 CWD command successful.',
    cwdFailed: () => '550 The system cannot find the file specified. ',
    type: (binary) => `200 Type set to ${binary ? 'I' : 'A'}.`,
    pasv: (tuple) => `227 Entering Passive Mode (${tuple}).`,
    epsv: (port) => `229 Entering Extended Passive Mode (|||${port}|)`,
    port: '501 Server cannot accept argument.',
    needDataConnection: "425 Can't open data connection.",
    listStart: '125 Data connection already open; Transfer starting.',
    listDone: () => '226 Transfer complete.',
    retrStart: () => '125 Data connection already open; Transfer starting.',
    retrDone: '226 Transfer complete.',
    noSuchFile: () => '550 The system cannot find the file specified. ',
    size: (f) => `213 ${f.size}`,
    storStart: () => '125 Data connection already open; Transfer starting.',
    storDone: '226 Transfer complete.',
    storTooBig: '552 Exceeded storage allocation.',
    listing: (files) =>
      files
        .map((f) => {
          const t = zonedTime(f.modifiedMs, timezone)
          const hour12 = t.hour % 12 === 0 ? 12 : t.hour % 12
          const date = `${String(t.month + 1).padStart(2, '0')}-${String(t.day).padStart(2, '0')}-${String(t.year % 100).padStart(2, '0')}`
          const time = `${String(hour12).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}${t.hour < 12 ? 'AM' : 'PM'}`
          return `${date}  ${time} ${String(f.size).padStart(20)} ${f.name}`
        })
        .join('\r\n'),
  }
}

/** A device's built-in server (NAS, printer, camera): minimal replies, greeting from the persona. */
function embeddedFtp(identity: FtpIdentity): FtpDialect {
  const base = vsftpd(identity)
  const greeting = identity.banner ?? `${identity.hostname} FTP server ready.`
  return {
    ...base,
    greeting: () => `220 ${greeting}`,
    preLogin: new Set(OPEN_BEFORE_LOGIN),
    feat: '211-Features:\r\n SIZE\r\n MDTM\r\n211 End',
    help: '214-The following commands are recognized:\r\n USER PASS QUIT SYST TYPE PASV PORT LIST NLST RETR STOR CWD PWD SIZE MDTM NOOP\r\n214 Help OK.',
    unknown: () => '502 Command not implemented.',
    user: () => '331 Password required.',
    loginOk: () => '230 User logged in.',
    loginFailed: '530 Login incorrect.',
    noop: '200 NOOP command successful.',
    listing: (files, nowMs) => unixListing(files, nowMs, identity.timezone, 'root', 'root'),
  }
}
