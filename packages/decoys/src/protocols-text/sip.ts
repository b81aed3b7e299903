import { randomBytes, randomUUID } from 'node:crypto'
import type { ServiceProduct } from '@decnet/core'
import type { Emulator, EmulatorContext, RunningEmulator } from '../emulator.ts'
import { configString } from '../framework/config.ts'
import { openOnEveryPort } from '../framework/listeners.ts'
import type { Fields } from '../framework/tcp.ts'
import { listenTcp } from '../framework/tcp.ts'
import { listenUdp } from '../framework/udp.ts'

/** Largest SIP message parsed (UDP datagram or TCP message); bodies beyond are ignored. */
const MAX_MESSAGE_BYTES = 8 * 1024

type SipMessage = { method: string; uri: string; headers: Map<string, string[]> }

/** How one SIP stack words its answers: header naming itself, realm, nonce and tag styles, Allow list. */
export type SipStack = {
  /** `Server: Asterisk PBX 20.5.2` (Asterisk) or `User-Agent: FreeSWITCH-mod_sofia/…` (Sofia). */
  agentHeader: string
  realm: string
  challenge: (realm: string) => string
  toTag: () => string
  options: string[]
}

const PJSIP_ALLOW =
  'Allow: OPTIONS, REGISTER, SUBSCRIBE, NOTIFY, PUBLISH, INVITE, ACK, BYE, CANCEL, UPDATE, PRACK, INFO, MESSAGE, REFER'

/**
 * The SIP stack of the persona's PBX: Asterisk 17+ answers through PJSIP, older Asterisk through
 * chan_sip (realm "asterisk" by default in both), FreeSWITCH through Sofia with the host as realm.
 */
export function sipStack(
  product: ServiceProduct | undefined,
  configuredAgent: string | undefined,
  host: string,
): SipStack {
  const name = product?.product ?? 'asterisk'
  if (name === 'freeswitch') {
    const agent = configuredAgent ?? product?.banner ?? 'FreeSWITCH-mod_sofia/1.10.11-release~64bit'
    return {
      agentHeader: `User-Agent: ${agent}`,
      realm: host,
      challenge: (realm) =>
        `WWW-Authenticate: Digest realm="${realm}", nonce="${randomUUID()}", algorithm=MD5, qop="auth"`,
      toTag: () =>
        randomBytes(10)
          .toString('base64')
          .replace(/[^A-Za-z0-9]/g, '')
          .slice(0, 13),
      options: [
        'Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE, INFO, UPDATE, REGISTER, REFER, NOTIFY, PUBLISH, SUBSCRIBE',
        'Supported: timer, path, replaces',
        'Accept: application/sdp',
      ],
    }
  }
  const agent = configuredAgent ?? product?.banner ?? 'Asterisk PBX 20.5.2'
  const major = Number(/(\d+)\./.exec(product?.version ?? agent)?.[1] ?? 20)
  if (major >= 17) {
    return {
      agentHeader: `Server: ${agent}`,
      realm: 'asterisk',
      challenge: (realm) =>
        `WWW-Authenticate: Digest realm="${realm}",nonce="${Math.floor(Date.now() / 1000)}/${randomBytes(16).toString('hex')}",opaque="${randomBytes(8).toString('hex')}",algorithm=MD5,qop="auth"`,
      toTag: () => randomUUID(),
      options: [
        PJSIP_ALLOW,
        'Supported: 100rel, timer, replaces, norefersub, histinfo',
        'Accept: application/sdp, application/simple-message-summary, application/pidf+xml, application/xpidf+xml, application/dialog-info+xml, message/sipfrag;version=2.0',
        'Accept-Encoding: text/plain',
        'Accept-Language: en',
      ],
    }
  }
  return {
    agentHeader: `Server: ${agent}`,
    realm: 'asterisk',
    challenge: (realm) =>
      `WWW-Authenticate: Digest algorithm=MD5, realm="${realm}", nonce="${randomBytes(4).toString('hex')}"`,
    toTag: () => `as${randomBytes(4).toString('hex')}`,
    options: [
      'Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, SUBSCRIBE, NOTIFY, INFO, PUBLISH, MESSAGE',
      'Supported: replaces, timer',
      'Accept: application/sdp',
    ],
  }
}

/**
 * A SIP registrar/PBX on UDP and TCP, worded as the persona's PBX: REGISTER and INVITE are challenged
 * with a digest 401 (or refused 403 once credentials are offered, which are captured); OPTIONS answers 200.
 */
export const sipEmulator: Emulator = {
  slug: 'sip',
  defaultPorts: [5060],
  async start(ctx: EmulatorContext): Promise<RunningEmulator> {
    const stack = sipStack(
      ctx.persona.services.sip,
      configString(ctx.config, 'user_agent'),
      ctx.bindAddress === '0.0.0.0' ? ctx.persona.hostname : ctx.bindAddress,
    )
    const realm = stack.realm
    const respond = (
      message: SipMessage,
      emit: (event: string, fields: Fields, secret?: string[]) => void,
      transport: string,
    ): string => {
      const header = (name: string) => message.headers.get(name)?.[0] ?? null
      emit('request', {
        method: message.method,
        uri: message.uri,
        from: header('from'),
        to: header('to'),
        user_agent: header('user-agent'),
        call_id: header('call-id'),
        transport,
      })
      const authorization = header('authorization') ?? header('proxy-authorization')
      if (authorization) {
        const parameter = (name: string) =>
          new RegExp(`${name}="?([^",]*)"?`, 'i').exec(authorization)?.[1] ?? null
        emit(
          'auth_attempt',
          {
            username: parameter('username'),
            realm: parameter('realm'),
            uri: parameter('uri'),
            nonce: parameter('nonce'),
            password: parameter('response'),
            kind: 'sip_digest_md5',
            method: message.method,
            success: false,
          },
          ['password'],
        )
      }
      switch (message.method) {
        case 'REGISTER':
        case 'INVITE':
        case 'SUBSCRIBE':
        case 'MESSAGE':
          return authorization
            ? response(message, '403 Forbidden', stack)
            : response(message, '401 Unauthorized', stack, [stack.challenge(realm)])
        case 'OPTIONS':
          return response(message, '200 OK', stack, stack.options)
        case 'ACK':
          return ''
        default:
          return response(message, '405 Method Not Allowed', stack, [stack.options[0] as string])
      }
    }
    const udpListeners = await openOnEveryPort(ctx, (port) =>
      listenUdp({
        ctx,
        port,
        maxDatagramBytes: MAX_MESSAGE_BYTES,
        handle: (datagram, peer) => {
          const message = parseSip(datagram.toString('utf8'))
          if (!message) {
            peer.emit('scan', { reason: 'not_sip', bytes: datagram.length })
            return
          }
          const answer = respond(message, peer.emit, 'udp')
          if (answer) peer.reply(answer)
        },
      }),
    )
    // TCP shares the UDP port numbers (both 5060), so bind TCP on the ports UDP actually got.
    const tcpListeners = await Promise.all(
      udpListeners.map((udp) =>
        listenTcp({
          ctx,
          port: udp.port,
          handle: (session) => {
            let pending = ''
            return {
              onData: (chunk: Buffer) => {
                pending += chunk.toString('utf8')
                for (;;) {
                  const end = pending.indexOf('\r\n\r\n')
                  if (end === -1) break
                  const head = pending.slice(0, end)
                  const length = Number(/^(?:content-length|l)\s*:\s*(\d+)/im.exec(head)?.[1] ?? 0)
                  if (pending.length < end + 4 + length && pending.length < MAX_MESSAGE_BYTES) break
                  pending = pending.slice(end + 4 + length)
                  const message = parseSip(head)
                  if (message) {
                    const answer = respond(message, session.emit, 'tcp')
                    if (answer) session.write(answer)
                  }
                }
                if (pending.length > MAX_MESSAGE_BYTES) {
                  session.limitReached('message_bytes', MAX_MESSAGE_BYTES)
                  session.socket.destroy()
                }
              },
            }
          },
        }),
      ),
    )
    return {
      ports: udpListeners.map((listener) => listener.port),
      close: async () => {
        await Promise.all([...udpListeners, ...tcpListeners].map((listener) => listener.close()))
      },
    }
  },
}

const COMPACT: Record<string, string> = {
  f: 'from',
  t: 'to',
  v: 'via',
  i: 'call-id',
  m: 'contact',
  l: 'content-length',
  c: 'content-type',
}

export function parseSip(text: string): SipMessage | undefined {
  const lines = text.split(/\r?\n/)
  const request = /^([A-Z]{2,16}) (\S+) SIP\/2\.0$/.exec(lines[0] ?? '')
  if (!request) return undefined
  const headers = new Map<string, string[]>()
  for (const line of lines.slice(1)) {
    if (line === '') break
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const raw = line.slice(0, colon).trim().toLowerCase()
    const name = COMPACT[raw] ?? raw
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()])
  }
  return { method: request[1] as string, uri: request[2] as string, headers }
}

function response(message: SipMessage, status: string, stack: SipStack, extra: string[] = []): string {
  const copy = (name: string, label: string) =>
    (message.headers.get(name) ?? []).map((value) => `${label}: ${value}`)
  const to = message.headers.get('to')?.[0] ?? ''
  const lines = [
    `SIP/2.0 ${status}`,
    ...copy('via', 'Via'),
    ...copy('from', 'From'),
    `To: ${to}${to && !/;tag=/.test(to) && !status.startsWith('100') ? `;tag=${stack.toTag()}` : ''}`,
    ...copy('call-id', 'Call-ID'),
    ...copy('cseq', 'CSeq'),
    stack.agentHeader,
    ...extra,
    'Content-Length: 0',
  ]
  return `${lines.join('\r\n')}\r\n\r\n`
}
