import type { Persona } from '@decnet/core'
import { personaUnit, personaValue, uptimeSeconds } from '@decnet/core/persona'
import type { Emulator } from '../emulator.ts'
import { configBool } from '../framework/config.ts'
import { tcpOnEveryPort } from '../framework/listeners.ts'
import { type SeededRandom, seededRandom } from '../framework/random.ts'
import type { TcpSession } from '../framework/tcp.ts'
import { ByteReader, framed, MalformedFrame } from './stream.ts'
import { textOf } from './text.ts'

const MAX_PACKET = 64 * 1024

const CONNECT = 1
const PUBLISH = 3
const PUBREL = 6
const SUBSCRIBE = 8
const UNSUBSCRIBE = 10
const PINGREQ = 12
const DISCONNECT = 14

/** Remaining Length: 1–4 bytes of 7-bit groups. Returns undefined until all its bytes arrived. */
function readRemainingLength(buffer: Buffer): { length: number; header: number } | undefined {
  let length = 0
  for (let i = 1; i <= 4; i++) {
    if (i >= buffer.length) return undefined
    const byte = buffer[i] as number
    length += (byte & 0x7f) * 128 ** (i - 1)
    if (!(byte & 0x80)) return { length, header: i + 1 }
  }
  throw new MalformedFrame('remaining length longer than 4 bytes')
}

function encodePacket(firstByte: number, body: Buffer): Buffer {
  const lengthBytes: number[] = []
  let rest = body.length
  do {
    let byte = rest % 128
    rest = Math.floor(rest / 128)
    if (rest > 0) byte |= 0x80
    lengthBytes.push(byte)
  } while (rest > 0)
  return Buffer.concat([Buffer.from([firstByte, ...lengthBytes]), body])
}

function readString(reader: ByteReader): string {
  return textOf(reader.bytes(reader.u16be()), 1024)
}

/** MQTT 5 property block: skipped (its length is a variable byte integer like Remaining Length). */
function skipProperties(reader: ByteReader): void {
  let length = 0
  for (let i = 0; i < 4; i++) {
    const byte = reader.u8()
    length += (byte & 0x7f) * 128 ** i
    if (!(byte & 0x80)) break
  }
  reader.skip(length)
}

type Connection = { level: number; connected: boolean }

/** Retained messages of the broker: seeded "live" topics plus what clients retain (bounded). */
type RetainedStore = Map<string, Buffer>
const MAX_RETAINED_TOPICS = 100
const MAX_RETAINED_BYTES = 1024
const SITES = ['plant1', 'bldg-a', 'warehouse', 'line2', 'hq', 'site-03']

function seededRetained(random: SeededRandom): RetainedStore {
  const site = random.pick(SITES)
  return new Map([
    [`${site}/sensors/temperature`, Buffer.from((random.int(180, 260) / 10).toFixed(1))],
    [`${site}/sensors/humidity`, Buffer.from(String(random.int(30, 65)))],
    [`${site}/hvac/setpoint`, Buffer.from((random.int(190, 235) / 10).toFixed(1))],
    [`${site}/gateway/status`, Buffer.from('online')],
  ])
}

/**
 * The broker's `$SYS` tree as mosquitto publishes it, computed when asked: its version from the
 * persona, its uptime from the persona's boot (mosquitto starts with the machine) and counters that
 * grow with it.
 */
export function brokerTopics(persona: Persona, now: number): Map<string, Buffer> {
  const product = persona.services.mqtt
  const version = product?.banner ?? `mosquitto version ${product?.version ?? '2.0.11'}`
  const uptime = Math.max(
    0,
    uptimeSeconds(persona, now) - 4 - Math.floor(personaUnit(persona, 'mqtt-start') * 20),
  )
  const clients = 2 + Math.floor(personaUnit(persona, 'mqtt-clients') * 9)
  const perMinute = 20 + Math.floor(personaUnit(persona, 'mqtt-rate') * 400)
  const received = Math.floor((uptime / 60) * perMinute)
  return new Map([
    ['$SYS/broker/version', Buffer.from(version)],
    ['$SYS/broker/uptime', Buffer.from(`${uptime} seconds`)],
    ['$SYS/broker/clients/connected', Buffer.from(String(clients))],
    ['$SYS/broker/clients/total', Buffer.from(String(clients + 1))],
    ['$SYS/broker/messages/received', Buffer.from(String(received))],
    ['$SYS/broker/messages/sent', Buffer.from(String(received * 2 + clients))],
    ['$SYS/broker/bytes/received', Buffer.from(String(received * 37))],
  ])
}

/** MQTT topic filter matching (`+` one level, `#` the rest); `$` topics only match explicit filters. */
function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && !filter.startsWith('$')) return false
  const filterLevels = filter.split('/')
  const topicLevels = topic.split('/')
  for (let i = 0; i < filterLevels.length; i++) {
    const level = filterLevels[i]
    if (level === '#') return true
    if (i >= topicLevels.length || (level !== '+' && level !== topicLevels[i])) return false
  }
  return filterLevels.length === topicLevels.length
}

function retainedPublish(topic: string, payload: Buffer, level: number): Buffer {
  const name = Buffer.from(topic, 'utf8')
  const header = Buffer.from([name.length >> 8, name.length & 0xff])
  const properties = level === 5 ? Buffer.from([0]) : Buffer.alloc(0)
  return encodePacket(0x31, Buffer.concat([header, name, properties, payload]))
}

function handleConnect(session: TcpSession, body: Buffer, state: Connection, requireAuth: boolean): void {
  const reader = new ByteReader(body)
  const protocol = readString(reader)
  const level = reader.u8()
  const flags = reader.u8()
  const keepAlive = reader.u16be()
  state.level = level
  if (level === 5) skipProperties(reader)
  const clientId = readString(reader)
  const fields: Record<string, string | number | boolean> = {
    protocol,
    protocol_level: level,
    client_id: clientId,
    keep_alive: keepAlive,
    clean_session: Boolean(flags & 0x02),
  }
  if (flags & 0x04) {
    if (level === 5) skipProperties(reader)
    fields.will_topic = readString(reader)
    fields.will_message = textOf(reader.bytes(reader.u16be()), 512)
  }
  const secrets: string[] = []
  if (flags & 0x80) fields.username = readString(reader)
  if (flags & 0x40) {
    fields.password = textOf(reader.bytes(reader.u16be()), 512)
    secrets.push('password')
  }
  const hasCredentials = Boolean(flags & 0xc0)
  const accepted = !requireAuth
  session.emit(
    hasCredentials ? 'auth_attempt' : 'request',
    { kind: 'connect', ...fields, ...(hasCredentials ? { success: accepted } : {}) },
    secrets,
  )
  if (protocol !== 'MQTT' && protocol !== 'MQIsdp') {
    session.socket.destroy()
    return
  }
  if (level !== 3 && level !== 4 && level !== 5) {
    // "Unacceptable protocol version", then close, as a 3.1.1 broker does.
    session.end(encodePacket(0x20, Buffer.from([0, 1])))
    return
  }
  if (level === 5) {
    session.write(encodePacket(0x20, Buffer.from([0, accepted ? 0x00 : 0x86, 0])))
  } else {
    session.write(encodePacket(0x20, Buffer.from([0, accepted ? 0 : 4])))
  }
  if (accepted) state.connected = true
  else session.end()
}

function handlePublish(
  session: TcpSession,
  flags: number,
  body: Buffer,
  state: Connection,
  retained: RetainedStore,
): void {
  const reader = new ByteReader(body)
  const topic = readString(reader)
  const qos = (flags >> 1) & 0x03
  const packetId = qos > 0 ? reader.u16be() : 0
  if (state.level === 5) skipProperties(reader)
  const payload = reader.bytes(reader.remaining)
  session.emit('command', {
    kind: 'publish',
    topic,
    qos,
    retain: Boolean(flags & 0x01),
    payload: textOf(payload, 2048),
    payload_bytes: payload.length,
  })
  // mosquitto drops client publishes to `$` topics: `$SYS` stays the broker's own.
  if (flags & 0x01 && !topic.startsWith('$') && !topic.includes('+') && !topic.includes('#')) {
    if (payload.length === 0) retained.delete(topic)
    else if (retained.has(topic) || retained.size < MAX_RETAINED_TOPICS) {
      retained.set(topic, Buffer.from(payload.subarray(0, MAX_RETAINED_BYTES)))
    }
  }
  const id = Buffer.from([packetId >> 8, packetId & 0xff])
  if (qos === 1) session.write(encodePacket(0x40, id))
  if (qos === 2) session.write(encodePacket(0x50, id))
}

function handleSubscribe(
  session: TcpSession,
  body: Buffer,
  state: Connection,
  unsubscribe: boolean,
  retained: RetainedStore,
  persona: Persona,
): void {
  const reader = new ByteReader(body)
  const packetId = reader.bytes(2)
  if (state.level === 5) skipProperties(reader)
  const topics: string[] = []
  while (reader.remaining > 0 && topics.length < 64) {
    topics.push(readString(reader))
    if (!unsubscribe) reader.skip(1)
  }
  session.emit('command', { kind: unsubscribe ? 'unsubscribe' : 'subscribe', topics: topics.join(',') })
  const codes = Buffer.alloc(topics.length)
  if (unsubscribe) {
    const body = state.level === 5 ? Buffer.concat([packetId, Buffer.from([0]), codes]) : packetId
    session.write(encodePacket(0xb0, body))
  } else {
    const properties = state.level === 5 ? Buffer.from([0]) : Buffer.alloc(0)
    session.write(encodePacket(0x90, Buffer.concat([packetId, properties, codes])))
    // A broker delivers the retained message of every matching topic right after SUBACK.
    for (const [topic, payload] of [...retained, ...brokerTopics(persona, Date.now())]) {
      if (topics.some((filter) => topicMatches(filter, topic))) {
        session.write(retainedPublish(topic, payload, state.level))
      }
    }
  }
}

/**
 * An MQTT broker that logs every CONNECT (client id, username, password), PUBLISH and SUBSCRIBE,
 * and keeps retained topics (seeded sensor values, plus what clients retain).
 * With config `require_auth` true every login is refused as bad credentials; otherwise the broker
 * is "open" and accepts anyone, which is what attracts bots.
 */
export const mqttEmulator: Emulator = {
  slug: 'mqtt',
  async start(ctx) {
    const requireAuth = configBool(ctx.config, 'require_auth') ?? false
    const retained = seededRetained(seededRandom(personaValue(ctx.persona, 'mqtt-retained')))
    return tcpOnEveryPort(ctx, {
      handle(session) {
        const state: Connection = { level: 4, connected: false }
        return framed(
          session,
          (buffered) => {
            const size = readRemainingLength(buffered)
            if (!size) return 0
            if (size.length > MAX_PACKET) throw new MalformedFrame('packet too large')
            const total = size.header + size.length
            if (buffered.length < total) return 0
            const type = (buffered[0] as number) >> 4
            const flags = (buffered[0] as number) & 0x0f
            const body = buffered.subarray(size.header, total)
            if (!state.connected && type !== CONNECT) throw new MalformedFrame('packet before CONNECT')
            switch (type) {
              case CONNECT:
                if (state.connected) throw new MalformedFrame('second CONNECT')
                handleConnect(session, body, state, requireAuth)
                break
              case PUBLISH:
                handlePublish(session, flags, body, state, retained)
                break
              case PUBREL:
                session.write(encodePacket(0x70, body.subarray(0, 2)))
                break
              case SUBSCRIBE:
                handleSubscribe(session, body, state, false, retained, ctx.persona)
                break
              case UNSUBSCRIBE:
                handleSubscribe(session, body, state, true, retained, ctx.persona)
                break
              case PINGREQ:
                session.write(Buffer.from([0xd0, 0x00]))
                break
              case DISCONNECT:
                session.end()
                break
              default:
                break
            }
            return total
          },
          { maxBuffer: MAX_PACKET + 8 },
        )
      },
    })
  },
}
