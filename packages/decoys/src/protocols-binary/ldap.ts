import type { Emulator, EmulatorContext } from '../emulator.ts'
import { running } from '../framework/listeners.ts'
import { seededRandom } from '../framework/random.ts'
import { listenTcp, type TcpListener, type TcpSession } from '../framework/tcp.ts'
import { selfSignedIdentity } from '../framework/tls.ts'
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
import { windowsIdentity } from './windows-persona.ts'

const MAX_MESSAGE = 64 * 1024
const SUCCESS = 0
const OPERATIONS_ERROR = 1
const PROTOCOL_ERROR = 2
const INVALID_CREDENTIALS = 49

/** Windows build tags that appear at the end of AD diagnostic messages. */
const AD_VERSIONS = ['v4563', 'v4f7c', 'v3839', 'v2580']

type Directory = {
  baseDn: string
  rootDse: [string, string[]][]
  bindFailure: string
  bindRequired: string
}

function buildDirectory(ctx: EmulatorContext): Directory {
  const random = seededRandom(ctx.seed).fork('ldap')
  // The same domain and computer name the decky's SMB and RDP challenges announce.
  const identity = windowsIdentity(ctx)
  const domain = identity.dnsDomain
  const baseDn = domain
    .split('.')
    .filter(Boolean)
    .map((part) => `DC=${part}`)
    .join(',')
  const host = identity.netbiosComputer
  const site = random.pick(['Default-First-Site-Name', 'HQ', 'Main-Site'])
  const level = String(random.pick([6, 7, 7]))
  const adVersion = random.pick(AD_VERSIONS)
  const serverDn = `CN=${host.toUpperCase()},CN=Servers,CN=${site},CN=Sites,CN=Configuration,${baseDn}`
  return {
    baseDn,
    rootDse: [
      ['configurationNamingContext', [`CN=Configuration,${baseDn}`]],
      ['defaultNamingContext', [baseDn]],
      ['dnsHostName', [`${host.toLowerCase()}.${domain}`]],
      ['domainControllerFunctionality', [level]],
      ['domainFunctionality', [level]],
      ['dsServiceName', [`CN=NTDS Settings,${serverDn}`]],
      ['forestFunctionality', [level]],
      ['highestCommittedUSN', [String(random.int(40_000, 2_000_000))]],
      ['isGlobalCatalogReady', ['TRUE']],
      ['isSynchronized', ['TRUE']],
      ['ldapServiceName', [`${domain}:${host.toLowerCase()}$@${domain.toUpperCase()}`]],
      [
        'namingContexts',
        [
          baseDn,
          `CN=Configuration,${baseDn}`,
          `CN=Schema,CN=Configuration,${baseDn}`,
          `DC=DomainDnsZones,${baseDn}`,
        ],
      ],
      ['rootDomainNamingContext', [baseDn]],
      ['schemaNamingContext', [`CN=Schema,CN=Configuration,${baseDn}`]],
      ['serverName', [serverDn]],
      ['subschemaSubentry', [`CN=Aggregate,CN=Schema,CN=Configuration,${baseDn}`]],
      [
        'supportedCapabilities',
        ['1.2.840.113556.1.4.800', '1.2.840.113556.1.4.1670', '1.2.840.113556.1.4.1791'],
      ],
      [
        'supportedLDAPPolicies',
        ['MaxPoolThreads', 'MaxDatagramRecv', 'MaxReceiveBuffer', 'InitRecvTimeout', 'MaxConnections'],
      ],
      ['supportedLDAPVersion', ['3', '2']],
      ['supportedSASLMechanisms', ['GSSAPI', 'GSS-SPNEGO', 'EXTERNAL', 'DIGEST-MD5']],
    ],
    bindFailure: `80090308: LdapErr: DSID-0C09${random.hex(4).toUpperCase()}, comment: AcceptSecurityContext error, data 52e, ${adVersion}\0`,
    bindRequired: `000004DC: LdapErr: DSID-0C09${random.hex(4).toUpperCase()}, comment: In order to perform this operation a successful bind must be completed on the connection., data 0, ${adVersion}\0`,
  }
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
        const all = wanted.size === 0 || wanted.has('*') || wanted.has('+')
        const now = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)
        const entries: [string, string[]][] = [['currentTime', [`${now}.0Z`]], ...directory.rootDse]
        const selected = entries.filter(([name]) => all || wanted.has(name.toLowerCase()))
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
 * LDAP (389) and LDAPS (636) with an Active Directory domain-controller persona: simple binds are
 * captured (DN and password) and fail with invalidCredentials (49, AD's "data 52e"); rootDSE
 * searches are answered; everything else demands a bind first, as AD does for anonymous sessions.
 */
export const ldapEmulator: Emulator = {
  slug: 'ldap',
  async start(ctx) {
    const directory = buildDirectory(ctx)
    const identity = windowsIdentity(ctx)
    const certificate = await selfSignedIdentity(identity.dnsComputer, seededRandom(ctx.seed).fork('ldaps'))
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
