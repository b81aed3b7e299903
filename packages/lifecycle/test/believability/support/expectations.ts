// What Debian's nmap 7.93 prints for each product a persona may claim (read from
// /usr/share/nmap/nmap-service-probes and scans of the real products), and how its OS guess maps onto
// a persona's nmapClass. The suite compares every open port's `-sV` line with this table.
import type { Persona, ServiceProduct } from '@decnet/core'
import type { NmapOsMatch, NmapService } from './nmap.ts'

export type ServiceExpectation = {
  /** nmap's service name (`ssh`, `http` …); with `ssl/` tunnels nmap keeps the inner name. */
  name: RegExp
  /** nmap's product string; null: nmap names no product for the real thing either (see `why`). */
  product: RegExp | null
  /**
   * True: nmap's version (or extrainfo) must contain the persona's version; false: the real product
   * does not let nmap read its version (see `why`).
   */
  version: boolean
  /** Why a check is looser than "product and version", when it is: the documented exceptions. */
  why?: string
  /** nmap has no signature for the real product either: a printed fingerprint is what it gets too. */
  unrecognizedLikeTheReal?: boolean
}

const e = (name: RegExp, product: RegExp | null, version: boolean, why?: string): ServiceExpectation => ({
  name,
  product,
  version,
  ...(why ? { why } : {}),
})

/**
 * Keyed `slug:product` first, then `product` (one product id can mean different wire protocols:
 * `windows` for smb, rdp, msrpc). Ports not listed under a slug use the slug's entry.
 */
const EXPECTATIONS: Record<string, ServiceExpectation> = {
  'ssh:openssh': e(/^ssh$/, /^OpenSSH$/, true),
  'ssh:dropbear': e(/^ssh$/, /^Dropbear sshd$/, true),
  'telnet:linux-telnetd': e(/^telnet$/, /^Linux telnetd$/, false, 'telnetd announces no version'),
  'telnet:busybox': e(/^telnet$/, /^BusyBox telnetd$/, false, 'BusyBox telnetd announces no version'),
  apache: e(/^https?$/, /^Apache httpd$/, true),
  nginx: e(/^https?$/, /^nginx$/, true),
  iis: e(/^https?$/, /^Microsoft IIS httpd$/, true),
  lighttpd: e(/^https?$/, /^lighttpd$/, true),
  'embedded-web': e(/^https?$/, /./, false, 'device web servers rarely announce a version nmap reads'),
  vsftpd: e(/^ftp$/, /^vsftpd$/, true),
  proftpd: e(/^ftp$/, /^ProFTPD$/, true),
  'pure-ftpd': e(/^ftp$/, /^Pure-FTPd$/, false, 'Pure-FTPd hides its version by default'),
  'microsoft-ftp': e(/^ftp$/, /^Microsoft ftpd$/, false, 'IIS FTP announces no version'),
  'embedded-ftp': e(/^ftp$/, /./, false, 'printer FTP daemons announce a model, not a version'),
  'smb:samba': e(
    /^(netbios-ssn|microsoft-ds)$/,
    /^Samba smbd$/,
    false,
    'Samba sends no version before login: nmap prints "Samba smbd 4.6.2" for any Samba with SMB1 off (its SMB1 refusal), "3.X - 4.X" with SMB1 on',
  ),
  'smb:windows': e(
    /^(netbios-ssn|microsoft-ds)$/,
    null,
    false,
    'real Windows 10/2016+ answer no -sV probe on 445 (nmap prints "microsoft-ds?") and nmap names 139 "Microsoft Windows netbios-ssn" without a version',
  ),
  'rdp:windows': e(
    /^ms-wbt-server$/,
    /^Microsoft Terminal Services?$/,
    false,
    'RDP carries no version nmap reads',
  ),
  'msrpc:windows': e(/^msrpc$/, /^Microsoft Windows RPC$/, false, 'the endpoint mapper carries no version'),
  'nbns:windows': e(/^netbios-ns$/, /^Microsoft Windows netbios-ns$/, false, 'NetBIOS carries no version'),
  'nbns:samba': e(/^netbios-ns$/, /^Samba nmbd netbios-ns$/, false, 'NetBIOS carries no version'),
  openldap: e(/^ldap$/, /^OpenLDAP$/, false, 'slapd announces no version'),
  'active-directory': e(
    /^ldap$/,
    /^Microsoft Windows Active Directory LDAP$/,
    false,
    'AD LDAP announces no version (nmap prints Domain and Site instead)',
  ),
  'llmnr:windows': e(
    /^(llmnr|zeroconf|mdns)$/,
    null,
    false,
    'nmap 7.93 has no LLMNR probe; a real Windows host shows "llmnr open|filtered" too',
  ),
  bind: e(/^domain$/, /^ISC BIND$/, true),
  'microsoft-dns': e(/^domain$/, /^Microsoft DNS$/, true),
  dnsmasq: e(/^domain$/, /^dnsmasq$/, true),
  postfix: e(/^smtp$/, /^Postfix smtpd$/, false, 'Postfix hides its version by default'),
  exim: e(/^smtp$/, /^Exim smtpd$/, true),
  sendmail: e(/^smtp$/, /^Sendmail$/, true),
  'smtp:exchange': e(
    /^smtp$/,
    /^Microsoft Exchange smtpd$/,
    false,
    'Exchange 2013+ greets without a version',
  ),
  'imap:dovecot': e(/^imap$/, /^Dovecot imapd$/, false, 'Dovecot hides its version by default'),
  'pop3:dovecot': e(/^pop3$/, /^Dovecot pop3d$/, false, 'Dovecot hides its version by default'),
  'imap:exchange': e(
    /^imap$/,
    /^Microsoft Exchange imapd$/,
    false,
    'Exchange 2013+ greets without a version',
  ),
  'pop3:exchange': e(
    /^pop3$/,
    /^Microsoft Exchange pop3d$/,
    false,
    'Exchange 2013+ greets without a version',
  ),
  mariadb: e(/^mysql$/, /^MySQL$/, true),
  mysql: e(/^mysql$/, /^MySQL$/, true),
  postgresql: e(
    /^postgresql$/,
    /^PostgreSQL DB$/,
    false,
    'PostgreSQL never sends its version before login; nmap prints a range ("9.6.0 or later")',
  ),
  mssql: e(/^ms-sql-s$/, /^Microsoft SQL Server/, true),
  redis: e(/^redis$/, /^Redis key-value store$/, true),
  mongodb: e(/^mongodb$/, /^MongoDB$/, true),
  elasticsearch: e(/^https?$/, /^Elasticsearch REST API$/, true),
  kubernetes: {
    name: /./,
    product: null,
    version: false,
    why: 'nmap 7.93 knows only 2016-era kube-apiserver answers (Basic realm, no Audit-Id/flow-schema headers); a current apiserver prints a fingerprint (6443 shows as "sun-sr-https?"), and so does the decoy',
    unrecognizedLikeTheReal: true,
  },
  docker: e(/^docker$/, /^Docker/, true),
  // nmap's mqtt-subscribe (a "version" script) reads $SYS/broker/version and renames the service.
  mosquitto: e(/^mosquitto version \S+$/, null, true),
  'net-snmp': e(/^snmp$/, /net-snmp/, false, 'SNMP agents announce no version to -sV'),
  'windows-snmp': e(/^snmp$/, /SNMP/, false, 'SNMP agents announce no version to -sV'),
  'embedded-snmp': e(/^snmp$/, /SNMP/, false, 'SNMP agents announce no version to -sV'),
  asterisk: e(/^sip(-proxy)?$/, /^Asterisk/, true),
  freeswitch: e(/^sip(-proxy)?$/, /^FreeSWITCH/, true),
  'tftpd-hpa': e(/^tftp$/, null, false, 'TFTP has no banner'),
  'embedded-tftp': e(/^tftp$/, null, false, 'TFTP has no banner'),
  realvnc: e(/^vnc$/, /^RealVNC/, false, 'RFB announces only the protocol version'),
  tightvnc: e(/^vnc$/, /^TightVNC/, false, 'RFB announces only the protocol version'),
  libvncserver: e(/^vnc$/, /^VNC/, false, 'RFB announces only the protocol version'),
  'siemens-s7': e(
    /^(modbus|mbap)$/,
    /^Modbus TCP$/,
    false,
    'Modbus has no version; the device id is read by modbus-discover',
  ),
}

export function expectationFor(slug: string, product: string): ServiceExpectation | undefined {
  return EXPECTATIONS[`${slug}:${product}`] ?? EXPECTATIONS[product]
}

/** One mismatch of an open port's -sV line against the persona, in words a reader can act on. */
export function serviceMismatches(
  slug: string,
  claimed: ServiceProduct,
  seen: NmapService | undefined,
): string[] {
  const expectation = expectationFor(slug, claimed.product)
  if (!expectation) return [`no expectation for product '${claimed.product}' (add it to expectations.ts)`]
  if (!seen) return ['nmap reported no service']
  const problems: string[] = []
  const said = `nmap said ${describe(seen)}`
  if (seen.servicefp && !expectation.unrecognizedLikeTheReal)
    problems.push(`unrecognized service (nmap printed a fingerprint); ${said}`)
  if (!expectation.name.test(seen.name)) problems.push(`service name ≠ ${expectation.name}; ${said}`)
  if (expectation.product && !expectation.product.test(seen.product ?? ''))
    problems.push(`product ≠ ${expectation.product} (persona: ${claimed.banner}); ${said}`)
  if (expectation.version) {
    const versionText = `${seen.name} ${seen.version ?? ''} ${seen.extrainfo ?? ''}`
    if (!versionText.includes(claimed.version))
      problems.push(`version does not contain '${claimed.version}' (persona: ${claimed.banner}); ${said}`)
  }
  return problems
}

export function describe(seen: NmapService): string {
  const parts = [seen.name, seen.product, seen.version, seen.extrainfo && `(${seen.extrainfo})`]
  return `"${parts.filter(Boolean).join(' ')}"${seen.ostype ? ` ostype=${seen.ostype}` : ''} [${seen.method}]`
}

/** nmap's top OS guess (any of its classes: one per OS generation) against the persona's intended class. */
export function osMismatch(persona: Persona, matches: readonly NmapOsMatch[]): string | undefined {
  const top = matches[0]
  const want = persona.nmapClass
  const wanted = `${want.vendor} ${want.osFamily} (${want.deviceType ?? 'any device type'})`
  if (!top) return `nmap made no OS guess; wanted ${wanted}`
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()
  const fits = top.classes.some(
    (c) =>
      same(c.vendor, want.vendor) &&
      same(c.osfamily, want.osFamily) &&
      (want.deviceType === null || same(c.type, want.deviceType)),
  )
  if (fits) return undefined
  const classes = top.classes.map((c) => `${c.vendor} ${c.osfamily} (${c.type})`)
  return `top guess "${top.name}" ${top.accuracy}% → ${[...new Set(classes)].join(', ') || 'no class'}; wanted ${wanted}`
}

/** The OS nmap's -sV `ostype` must name for a persona family (when a probe reports one). */
export function ostypeFits(persona: Persona, ostype: string): boolean {
  const o = ostype.toLowerCase()
  switch (persona.family) {
    case 'windows':
    case 'windows_server':
      return o.startsWith('windows')
    case 'linux':
      return o === 'linux' || o === 'unix'
    case 'bsd':
      return o.includes('bsd') || o === 'unix'
    case 'cisco':
      return o.includes('ios')
    case 'embedded':
      return o !== '' && !o.startsWith('windows')
  }
}
