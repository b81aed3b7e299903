import type { Persona } from '@decnet/core/schemas'
import type { Emulator, ServiceConfigValue } from '../emulator.ts'
import { configString } from '../framework/config.ts'
import { running } from '../framework/listeners.ts'
import { listenTcp, type TcpListener, type TcpSession } from '../framework/tcp.ts'
import { tlsOptionsFor } from '../framework/tls.ts'
import {
  type BerElement,
  berChildren,
  berFrameLength,
  berInteger,
  enumerated,
  expectBer,
  integer,
  octets,
  tlvLongForm,
} from './ber.ts'
import { framed, MalformedFrame } from './stream.ts'
import { textOf } from './text.ts'
import { ntlmIdentity, personaKeyed, personaOf } from './windows-persona.ts'

const MAX_MESSAGE = 64 * 1024
const SUCCESS = 0
const OPERATIONS_ERROR = 1
const PROTOCOL_ERROR = 2
const NO_SUCH_OBJECT = 32
const INVALID_CREDENTIALS = 49

/** The build tag at the end of AD diagnostic messages, per Windows Server build. */
const AD_VERSION_TAGS: readonly [number, string][] = [
  [20348, 'v4f7c'],
  [17763, 'v4563'],
  [14393, 'v3839'],
  [9600, 'v2580'],
]

type Directory = {
  product: 'active-directory' | 'openldap'
  baseDn: string
  /** rootDSE attributes; `operational` ones are only returned when asked for (OpenLDAP's `+`). */
  rootDse: [string, string[], 'user' | 'operational'][]
  bindFailure: string
  bindRequired: string
}

const dnOf = (domain: string, attribute = 'DC') =>
  domain
    .split('.')
    .filter(Boolean)
    .map((part) => `${attribute}=${part}`)
    .join(',')

/** An AD domain controller's rootDSE: the persona's domain, host and build (functional level). */
function activeDirectory(persona: Persona, config: Record<string, ServiceConfigValue>): Directory {
  // The same domain and computer name the decky's SMB and RDP challenges announce.
  const identity = ntlmIdentity(persona, config)
  const domain = identity.dnsDomain.toLowerCase()
  const baseDn = dnOf(domain)
  const host = identity.netbiosComputer
  const build = persona.os.windows?.build ?? 17763
  const level =
    persona.services.ldap?.attrs.functionalLevel ?? (build >= 14393 ? '7' : build >= 9600 ? '6' : '5')
  const keyed = (label: string) => personaKeyed(persona, `ldap:${label}`, 4).readUInt32BE(0)
  const site = keyed('site') % 4 === 0 ? 'HQ' : 'Default-First-Site-Name'
  const adVersion = AD_VERSION_TAGS.find(([from]) => build >= from)?.[1] ?? 'v2580'
  const serverDn = `CN=${host},CN=Servers,CN=${site},CN=Sites,CN=Configuration,${baseDn}`
  const dsid = (label: string) =>
    `DSID-0C09${(keyed(label) & 0xffff).toString(16).toUpperCase().padStart(4, '0')}`
  // USNs grow with the directory's changes since it started: a base per DC plus the uptime.
  const usn = String(
    40_000 + (keyed('usn') % 2_000_000) + Math.floor((Date.now() / 1000 - persona.bootTime) / 30),
  )
  const user = (name: string, values: string[]): [string, string[], 'user'] => [name, values, 'user']
  return {
    product: 'active-directory',
    baseDn,
    // In the order AD returns them (scanners' patterns rely on what follows dsServiceName).
    rootDse: [
      user('subschemaSubentry', [`CN=Aggregate,CN=Schema,CN=Configuration,${baseDn}`]),
      user('dsServiceName', [`CN=NTDS Settings,${serverDn}`]),
      user('namingContexts', [
        baseDn,
        `CN=Configuration,${baseDn}`,
        `CN=Schema,CN=Configuration,${baseDn}`,
        `DC=DomainDnsZones,${baseDn}`,
        `DC=ForestDnsZones,${baseDn}`,
      ]),
      user('defaultNamingContext', [baseDn]),
      user('schemaNamingContext', [`CN=Schema,CN=Configuration,${baseDn}`]),
      user('configurationNamingContext', [`CN=Configuration,${baseDn}`]),
      user('rootDomainNamingContext', [baseDn]),
      user('supportedLDAPVersion', ['3', '2']),
      user('supportedLDAPPolicies', [
        'MaxPoolThreads',
        'MaxPercentDirSyncRequests',
        'MaxDatagramRecv',
        'MaxReceiveBuffer',
        'InitRecvTimeout',
        'MaxConnections',
        'MaxConnIdleTime',
        'MaxPageSize',
      ]),
      user('highestCommittedUSN', [usn]),
      user('supportedSASLMechanisms', ['GSSAPI', 'GSS-SPNEGO', 'EXTERNAL', 'DIGEST-MD5']),
      // The FQDN the DC registers, as its NTLM challenge names it (DNS_Computer_Name).
      user('dnsHostName', [identity.dnsComputer]),
      user('ldapServiceName', [`${domain}:${host.toLowerCase()}$@${domain.toUpperCase()}`]),
      user('serverName', [serverDn]),
      user('supportedCapabilities', [
        '1.2.840.113556.1.4.800',
        '1.2.840.113556.1.4.1670',
        '1.2.840.113556.1.4.1791',
        '1.2.840.113556.1.4.1935',
        '1.2.840.113556.1.4.2080',
        '1.2.840.113556.1.4.2237',
      ]),
      user('isSynchronized', ['TRUE']),
      user('isGlobalCatalogReady', ['TRUE']),
      user('domainFunctionality', [level]),
      user('forestFunctionality', [level]),
      user('domainControllerFunctionality', [level]),
    ],
    bindFailure: `80090308: LdapErr: ${dsid('bind')}, comment: AcceptSecurityContext error, data 52e, ${adVersion}\0`,
    bindRequired: `000004DC: LdapErr: ${dsid('required')}, comment: In order to perform this operation a successful bind must be completed on the connection., data 0, ${adVersion}\0`,
  }
}

/** slapd's rootDSE (Debian/RHEL packaging): `dc=` suffix from the persona's DNS domain. */
function openLdap(persona: Persona, config: Record<string, ServiceConfigValue>): Directory {
  const configured = configString(config, 'base_dn')
  const baseDn = configured ?? dnOf(persona.domain?.dns ?? 'nodomain', 'dc')
  const operational = (name: string, values: string[]): [string, string[], 'operational'] => [
    name,
    values,
    'operational',
  ]
  return {
    product: 'openldap',
    baseDn,
    rootDse: [
      ['objectClass', ['top', 'OpenLDAProotDSE'], 'user'],
      operational('structuralObjectClass', ['OpenLDAProotDSE']),
      operational('configContext', ['cn=config']),
      operational('namingContexts', [baseDn]),
      operational('supportedControl', [
        '2.16.840.1.113730.3.4.18',
        '2.16.840.1.113730.3.4.2',
        '1.3.6.1.4.1.4203.1.10.1',
        '1.3.6.1.1.22',
        '1.2.840.113556.1.4.319',
        '1.2.826.0.1.3344810.2.3',
        '1.3.6.1.1.13.2',
        '1.3.6.1.1.13.1',
        '1.3.6.1.1.12',
      ]),
      operational('supportedExtension', [
        '1.3.6.1.4.1.4203.1.11.1',
        '1.3.6.1.4.1.4203.1.11.3',
        '1.3.6.1.1.8',
      ]),
      operational('supportedFeatures', [
        '1.3.6.1.1.14',
        '1.3.6.1.4.1.4203.1.5.1',
        '1.3.6.1.4.1.4203.1.5.2',
        '1.3.6.1.4.1.4203.1.5.3',
        '1.3.6.1.4.1.4203.1.5.4',
        '1.3.6.1.4.1.4203.1.5.5',
      ]),
      operational('supportedLDAPVersion', ['3']),
      operational('supportedSASLMechanisms', [
        'SCRAM-SHA-1',
        'SCRAM-SHA-256',
        'GS2-IAKERB',
        'GS2-KRB5',
        'GSSAPI',
        'GSS-SPNEGO',
        'DIGEST-MD5',
        'OTP',
        'CRAM-MD5',
        'PLAIN',
        'LOGIN',
      ]),
      operational('entryDN', ['']),
      operational('subschemaSubentry', ['cn=Subschema']),
    ],
    bindFailure: '',
    bindRequired: '',
  }
}

function buildDirectory(persona: Persona, config: Record<string, ServiceConfigValue>): Directory {
  return persona.services.ldap?.product === 'openldap' || !persona.os.windows
    ? openLdap(persona, config)
    : activeDirectory(persona, config)
}

const text = (element: BerElement | undefined, max = 1024) => (element ? textOf(element.value, max) : '')

/** RFC 4515 string form of a search filter, for the log (bounded depth and size). */
function filterToString(element: BerElement, depth = 0): string {
  if (depth > 12) throw new MalformedFrame('filter too deep')
  const tag = element.tag
  const children = () => berChildren(element.value, 64)
  switch (tag) {
    case 0xa0:
    case 0xa1:
      return `(${tag === 0xa0 ? '&' : '|'}${children()
        .map((child) => filterToString(child, depth + 1))
        .join('')})`
    case 0xa2: {
      const [inner] = children()
      return inner ? `(!${filterToString(inner, depth + 1)})` : '(!)'
    }
    case 0xa3:
    case 0xa5:
    case 0xa6:
    case 0xa8: {
      const [attribute, value] = children()
      const operator = { 163: '=', 165: '>=', 166: '<=', 168: '~=' }[tag]
      return `(${text(attribute, 128)}${operator}${text(value, 256)})`
    }
    case 0xa4: {
      const [attribute, parts] = children()
      const pieces = parts ? berChildren(parts.value, 32) : []
      const initial = pieces.find((piece) => piece.tag === 0x80)
      const final = pieces.find((piece) => piece.tag === 0x82)
      const middle = pieces.filter((piece) => piece.tag === 0x81).map((piece) => text(piece, 128))
      return `(${text(attribute, 128)}=${text(initial, 128)}*${middle.map((part) => `${part}*`).join('')}${text(final, 128)})`
    }
    case 0x87:
      return `(${textOf(element.value, 128)}=*)`
    default:
      return `(?tag=${tag})`
  }
}

function ldapMessage(messageId: number, ...operation: Buffer[]): Buffer {
  return tlvLongForm(0x30, integer(messageId), ...operation)
}

function result(tag: number, code: number, diagnostic = '', matchedDn = ''): Buffer {
  return tlvLongForm(tag, enumerated(code), octets(matchedDn), octets(diagnostic))
}

function handleMessage(session: TcpSession, directory: Directory, message: Buffer): void {
  const envelope = expectBer(message, 0, 0x30)
  const [idElement, operation] = berChildren(envelope.value, 4)
  if (!idElement || !operation) throw new MalformedFrame('empty LDAPMessage')
  const messageId = berInteger(idElement.value)
  const reply = (...op: Buffer[]) => session.write(ldapMessage(messageId, ...op))

  switch (operation.tag) {
    case 0x60: {
      // BindRequest: version, name, authentication choice.
      const [version, name, auth] = berChildren(operation.value, 4)
      const dn = text(name)
      if (directory.product === 'openldap' && version && berInteger(version.value) !== 3) {
        // slapd refuses LDAPv2 unless `allow bind_v2` is set.
        session.emit('request', { operation: 'bind', version: berInteger(version.value) })
        reply(result(0x61, PROTOCOL_ERROR, 'historical protocol version requested, use LDAPv3 instead'))
        return
      }
      if (auth?.tag === 0x80) {
        const password = textOf(auth.value, 512)
        // An anonymous bind succeeds on AD; anything else is a wrong password.
        const anonymous = dn === '' && password === ''
        session.emit(
          'auth_attempt',
          {
            username: dn,
            password,
            method: 'simple',
            version: version ? berInteger(version.value) : 0,
            success: anonymous,
          },
          password ? ['password'] : [],
        )
        reply(result(0x61, anonymous ? SUCCESS : INVALID_CREDENTIALS, anonymous ? '' : directory.bindFailure))
      } else {
        const [mechanism, credentials] = auth ? berChildren(auth.value, 4) : []
        session.emit('auth_attempt', {
          username: dn,
          method: 'sasl',
          mechanism: text(mechanism, 64),
          credentials_bytes: credentials?.value.length ?? 0,
          success: false,
        })
        reply(result(0x61, INVALID_CREDENTIALS, directory.bindFailure))
      }
      return
    }
    case 0x42:
      session.emit('request', { operation: 'unbind' })
      session.end()
      return
    case 0x63: {
      const [base, scope, , , , , filter, attributeList] = berChildren(operation.value, 16)
      const baseDn = text(base)
      const scopeValue = scope ? berInteger(scope.value) : -1
      const attributes = attributeList ? berChildren(attributeList.value, 128).map((a) => text(a, 128)) : []
      session.emit('request', {
        operation: 'search',
        base: baseDn,
        scope: ['base', 'one', 'sub'][scopeValue] ?? String(scopeValue),
        filter: filter ? filterToString(filter) : '',
        attributes: attributes.join(','),
      })
      if (baseDn === '' && scopeValue === 0) {
        const wanted = new Set(attributes.map((attribute) => attribute.toLowerCase()))
        const now = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)
        const ad = directory.product === 'active-directory'
        // AD returns its whole rootDSE by default; slapd only user attributes unless `+` is asked.
        const userAll = wanted.size === 0 || wanted.has('*') || (ad && wanted.has('+'))
        const operationalAll = wanted.has('+') || (ad && userAll)
        const entries: [string, string[], 'user' | 'operational'][] = [
          ...(ad ? [['currentTime', [`${now}.0Z`], 'user'] as [string, string[], 'user']] : []),
          ...directory.rootDse,
        ]
        const selected = entries.filter(
          ([name, , kind]) => (kind === 'user' ? userAll : operationalAll) || wanted.has(name.toLowerCase()),
        )
        reply(
          tlvLongForm(
            0x64,
            octets(''),
            tlvLongForm(
              0x30,
              ...selected.map(([name, values]) =>
                tlvLongForm(0x30, octets(name), tlvLongForm(0x31, ...values.map((v) => octets(v)))),
              ),
            ),
          ),
        )
        reply(result(0x65, SUCCESS))
      } else if (directory.product === 'openldap') {
        // No entries readable anonymously; outside the suffix the base does not exist.
        const inside = baseDn.toLowerCase().endsWith(directory.baseDn.toLowerCase())
        reply(result(0x65, inside ? SUCCESS : NO_SUCH_OBJECT))
      } else {
        reply(result(0x65, OPERATIONS_ERROR, directory.bindRequired))
      }
      return
    }
    case 0x50:
      return // abandon: no response by definition
    case 0x77: {
      const [name] = berChildren(operation.value, 4)
      session.emit('request', { operation: 'extended', oid: text(name, 128) })
      reply(
        result(
          0x78,
          PROTOCOL_ERROR,
          '00000057: LdapErr: DSID-0C090F78, comment: Error decoding ldap message\0',
        ),
      )
      return
    }
    default: {
      // modify/add/delete/modDN/compare: the response tag is the request's application number + 1.
      const names: Record<number, string> = {
        102: 'modify',
        104: 'add',
        74: 'delete',
        108: 'moddn',
        110: 'compare',
      }
      const operationName = names[operation.tag]
      session.emit('request', { operation: operationName ?? `tag_${operation.tag}` })
      if (!operationName) throw new MalformedFrame('unknown LDAP operation')
      const responseTag = 0x60 | ((operation.tag & 0x1f) + 1)
      reply(result(responseTag, OPERATIONS_ERROR, directory.bindRequired))
    }
  }
}

/**
 * LDAP (389) and LDAPS (636) as the persona's product: an Active Directory domain controller (the
 * persona's domain, host and functional level) or OpenLDAP's slapd. Simple binds are captured (DN
 * and password) and fail with invalidCredentials (49, AD's "data 52e"); rootDSE searches are
 * answered; AD demands a bind for anything else, slapd finds nothing readable anonymously.
 */
export const ldapEmulator: Emulator = {
  slug: 'ldap',
  async start(ctx) {
    const persona = personaOf(ctx)
    const directory = buildDirectory(persona, ctx.config)
    // LDAPS: a DC's certificate comes from its domain's CA, OpenLDAP's as its distro issues them;
    // versions and ciphers of the claimed build.
    // The name follows the identity (an operator's `domain` config renames the DC).
    const identity = ntlmIdentity(persona, ctx.config)
    const certificate = await tlsOptionsFor(persona, 'ldap', { commonName: identity.dnsComputer })
    const handle = (session: TcpSession) =>
      framed(
        session,
        (buffered) => {
          const length = berFrameLength(buffered)
          if (length === undefined) return 0
          if (buffered[0] !== 0x30 || length > MAX_MESSAGE) throw new MalformedFrame('not an LDAPMessage')
          if (buffered.length < length) return 0
          handleMessage(session, directory, buffered.subarray(0, length))
          return length
        },
        { maxBuffer: MAX_MESSAGE },
      )
    const listeners: TcpListener[] = []
    try {
      for (const [index, port] of ctx.ports.entries()) {
        // 636 (or the second configured port) is LDAPS: the same protocol inside implicit TLS.
        const secure = port === 636 || (port !== 389 && index === 1)
        listeners.push(await listenTcp({ ctx, port, handle, ...(secure ? { tls: certificate } : {}) }))
      }
    } catch (error) {
      await Promise.all(listeners.map((listener) => listener.close()))
      throw error
    }
    return running(listeners)
  },
}
