import type { UdpPeer } from '../framework/udp.ts'
import {
  berChildren,
  berInteger,
  berOid,
  expectBer,
  integer,
  NULL,
  octets,
  oid,
  sequence,
  tlv,
  unsigned,
} from './ber.ts'

/** SNMPv1/v2c agent logic shared by the snmp decoy and conpot's SNMP face. */

export type MibValue =
  | { type: 'string'; value: string }
  | { type: 'oid'; value: string }
  | { type: 'integer'; value: number }
  | { type: 'timeticks'; value: () => number }
  | { type: 'counter32'; value: () => number }
  | { type: 'gauge32'; value: () => number }
  | { type: 'bytes'; value: () => Buffer }
  | { type: 'text'; value: () => string }
  | { type: 'dynamicInteger'; value: () => number }

export type Mib = Map<string, MibValue>

const PDU_NAMES: Record<number, string> = {
  160: 'get',
  161: 'getnext',
  163: 'set',
  165: 'getbulk',
}
const GET_RESPONSE = 0xa2
const NO_SUCH_OBJECT = 0x80
const END_OF_MIB_VIEW = 0x82
const MAX_VARBINDS = 32
const MAX_BULK_REPETITIONS = 16

function compareOids(a: string, b: string): number {
  const left = a.split('.').map(Number)
  const right = b.split('.').map(Number)
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? -1) - (right[i] ?? -1)
    if (difference !== 0) return difference
  }
  return 0
}

function encodeValue(value: MibValue): Buffer {
  switch (value.type) {
    case 'string':
      return octets(value.value)
    case 'oid':
      return oid(value.value)
    case 'integer':
      return integer(value.value)
    case 'timeticks':
      return unsigned(value.value(), 0x43)
    case 'counter32':
      return unsigned(value.value(), 0x41)
    case 'gauge32':
      return unsigned(Math.min(value.value(), 2 ** 32 - 1), 0x42)
    case 'bytes':
      return octets(value.value())
    case 'text':
      return octets(value.value())
    case 'dynamicInteger':
      return integer(value.value())
  }
}

/** The USM engine of an agent that speaks SNMPv3 (net-snmp, IOS): what its discovery Report reveals. */
export type SnmpEngine = {
  id: Buffer
  /** snmpEngineBoots and snmpEngineTime (seconds since the agent started), read per request. */
  boots: number
  time: () => number
}

export type SnmpAgentOptions = {
  mib: Mib
  /** Communities that get answers; any other is logged and ignored, like a real agent. */
  communities: string[]
  /** v3 engine; without one, v3 requests go unanswered (Windows' SNMP service has no v3). */
  engine?: SnmpEngine
}

const USM_STATS_UNKNOWN_ENGINE_IDS = '1.3.6.1.6.3.15.1.1.4.0'
const REPORT = 0xa8

/**
 * The answer of a v3 agent to engine discovery (an unknown engine id, no user): a Report carrying its
 * engine id, boots and time, the first thing a scanner (and nmap's SNMPv3 probe) learns from it.
 */
function discoveryReport(message: Buffer, engine: SnmpEngine, unknownEngineIds: number): Buffer | undefined {
  const [, globalData, , scoped] = berChildren(message, 8)
  if (!globalData || !scoped || scoped.tag !== 0x30) return undefined
  const [msgId] = berChildren(globalData.value, 8)
  const [, , pdu] = berChildren(scoped.value, 8)
  if (!msgId || !pdu) return undefined
  const [requestId] = berChildren(pdu.value, 8)
  if (!requestId) return undefined
  const securityParameters = sequence(
    octets(engine.id),
    integer(engine.boots),
    integer(engine.time()),
    octets(''),
    octets(''),
    octets(''),
  )
  return sequence(
    integer(3),
    sequence(integer(berInteger(msgId.value)), integer(65507), octets(Buffer.from([0])), integer(3)),
    octets(securityParameters),
    sequence(
      octets(engine.id),
      octets(''),
      tlv(
        REPORT,
        integer(berInteger(requestId.value)),
        integer(0),
        integer(0),
        sequence(sequence(oid(USM_STATS_UNKNOWN_ENGINE_IDS), unsigned(unknownEngineIds, 0x41))),
      ),
    ),
  )
}

/** Builds the datagram handler: parse, log (community, PDU, OIDs), answer only the right community. */
export function snmpAgent(options: SnmpAgentOptions): (datagram: Buffer, peer: UdpPeer) => void {
  const sorted = [...options.mib.keys()].sort(compareOids)
  const next = (current: string): string | undefined =>
    sorted.find((candidate) => compareOids(candidate, current) > 0)

  let unknownEngineIds = 0
  return (datagram, peer) => {
    const message = expectBer(datagram, 0, 0x30)
    const [versionElement, communityElement, pdu] = berChildren(message.value, 8)
    if (!versionElement || !communityElement || !pdu) return
    const version = berInteger(versionElement.value)
    const community = communityElement.value.subarray(0, 256).toString('latin1')
    if (version === 3) {
      peer.emit('request', { version: '3' })
      const report = options.engine && discoveryReport(message.value, options.engine, ++unknownEngineIds)
      if (report) peer.reply(report)
      return
    }
    const pduName = PDU_NAMES[pdu.tag]
    if (!pduName) return
    const [requestId, field1, field2, varbindList] = berChildren(pdu.value, 8)
    if (!requestId || !field1 || !field2 || !varbindList) return
    const oids = berChildren(varbindList.value, MAX_VARBINDS).map((varbind) => {
      const [name] = berChildren(varbind.value, 4)
      return name ? berOid(name.value) : ''
    })
    const answered = options.communities.includes(community)
    peer.emit(
      'request',
      {
        version: version === 0 ? '1' : '2c',
        community,
        pdu: pduName,
        oids: oids.join(','),
        answered,
      },
      ['community'],
    )
    if (!answered) return

    let errorStatus = 0
    let errorIndex = 0
    const bindings: Buffer[] = []
    const bind = (name: string, value: Buffer) => bindings.push(sequence(oid(name), value))
    const lookup = (name: string, index: number) => {
      const value = options.mib.get(name)
      if (value) bind(name, encodeValue(value))
      else if (version === 0) {
        errorStatus ||= 2 // noSuchName
        errorIndex ||= index + 1
        bind(name, NULL)
      } else bind(name, tlv(NO_SUCH_OBJECT, Buffer.alloc(0)))
    }
    const walk = (name: string, index: number): string | undefined => {
      const found = next(name)
      const value = found ? options.mib.get(found) : undefined
      if (found && value) bind(found, encodeValue(value))
      else if (version === 0) {
        errorStatus ||= 2
        errorIndex ||= index + 1
        bind(name, NULL)
      } else bind(name, tlv(END_OF_MIB_VIEW, Buffer.alloc(0)))
      return found
    }

    if (pduName === 'get') oids.forEach(lookup)
    else if (pduName === 'getnext') oids.forEach(walk)
    else if (pduName === 'getbulk' && version === 1) {
      const nonRepeaters = Math.max(0, berInteger(field1.value))
      const repetitions = Math.min(MAX_BULK_REPETITIONS, Math.max(0, berInteger(field2.value)))
      oids.slice(0, nonRepeaters).forEach(walk)
      let cursors = oids.slice(nonRepeaters)
      for (let round = 0; round < repetitions && cursors.length > 0; round++) {
        cursors = cursors.map((cursor, index) => walk(cursor, index) ?? cursor)
      }
    } else {
      // set (and v1 getbulk, which does not exist): a read-only agent refuses.
      errorStatus = version === 0 ? 4 : 17 // readOnly / notWritable
      errorIndex = 1
      for (const name of oids) bind(name, NULL)
    }
    const response = sequence(
      integer(version),
      octets(communityElement.value),
      tlv(
        GET_RESPONSE,
        integer(berInteger(requestId.value)),
        integer(errorStatus),
        integer(errorIndex),
        sequence(...bindings),
      ),
    )
    peer.reply(response)
  }
}
