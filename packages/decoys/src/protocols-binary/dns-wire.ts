import { MalformedFrame } from './stream.ts'

/** DNS message codec shared by dns, llmnr and mdns (RFC 1035 wire format, no compression on output). */

const TYPE_NAMES: Record<number, string> = {
  1: 'A',
  2: 'NS',
  5: 'CNAME',
  6: 'SOA',
  12: 'PTR',
  15: 'MX',
  16: 'TXT',
  28: 'AAAA',
  33: 'SRV',
  41: 'OPT',
  43: 'DS',
  48: 'DNSKEY',
  251: 'IXFR',
  252: 'AXFR',
  255: 'ANY',
}
export const TYPE = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
}
export const CLASS_IN = 1
export const CLASS_CH = 3

export const typeName = (type: number): string => TYPE_NAMES[type] ?? `TYPE${type}`

export type Question = { name: string; type: number; class: number }
export type DnsQuery = { id: number; flags: number; questions: Question[] }
export type ResourceRecord = { name: string; type: number; class: number; ttl: number; data: Buffer }

/** Reads a possibly compressed name; pointer loops and oversize names are rejected. */
function readName(message: Buffer, start: number): { name: string; end: number } {
  const labels: string[] = []
  let offset = start
  let end = -1
  let jumps = 0
  let length = 0
  for (;;) {
    if (offset >= message.length) throw new MalformedFrame('name runs past the message')
    const size = message[offset] as number
    if (size === 0) {
      if (end === -1) end = offset + 1
      break
    }
    if ((size & 0xc0) === 0xc0) {
      if (offset + 1 >= message.length) throw new MalformedFrame('truncated pointer')
      if (++jumps > 16) throw new MalformedFrame('compression loop')
      if (end === -1) end = offset + 2
      offset = ((size & 0x3f) << 8) | (message[offset + 1] as number)
      continue
    }
    if (size > 63) throw new MalformedFrame('label too long')
    if (offset + 1 + size > message.length) throw new MalformedFrame('truncated label')
    length += size + 1
    if (length > 255) throw new MalformedFrame('name too long')
    labels.push(message.toString('latin1', offset + 1, offset + 1 + size))
    offset += 1 + size
  }
  return { name: labels.join('.'), end }
}

export function parseQuery(message: Buffer): DnsQuery {
  if (message.length < 12) throw new MalformedFrame('short DNS header')
  const id = message.readUInt16BE(0)
  const flags = message.readUInt16BE(2)
  const count = Math.min(message.readUInt16BE(4), 4)
  const questions: Question[] = []
  let offset = 12
  for (let i = 0; i < count; i++) {
    const { name, end } = readName(message, offset)
    if (end + 4 > message.length) throw new MalformedFrame('truncated question')
    questions.push({ name, type: message.readUInt16BE(end), class: message.readUInt16BE(end + 2) })
    offset = end + 4
  }
  return { id, flags, questions }
}

export function encodeName(name: string): Buffer {
  const labels = name.split('.').filter((label) => label.length > 0)
  const parts = labels.map((label) => {
    const bytes = Buffer.from(label, 'latin1').subarray(0, 63)
    return Buffer.concat([Buffer.from([bytes.length]), bytes])
  })
  return Buffer.concat([...parts, Buffer.from([0])])
}

/** Owner names equal to the question's are written as a pointer to it (offset 12), as servers do. */
const QUESTION_POINTER = Buffer.from([0xc0, 0x0c])

function encodeRecord(record: ResourceRecord, questionName: string | undefined): Buffer {
  const owner = questionName !== undefined && record.name.toLowerCase() === questionName.toLowerCase()
  const fixed = Buffer.alloc(10)
  fixed.writeUInt16BE(record.type, 0)
  fixed.writeUInt16BE(record.class, 2)
  fixed.writeUInt32BE(record.ttl, 4)
  fixed.writeUInt16BE(record.data.length, 8)
  return Buffer.concat([owner ? QUESTION_POINTER : encodeName(record.name), fixed, record.data])
}

export type ResponseOptions = {
  query: DnsQuery
  rcode?: number
  authoritative?: boolean
  recursionAvailable?: boolean
  answers?: ResourceRecord[]
  authority?: ResourceRecord[]
  additional?: ResourceRecord[]
}

export function encodeResponse(options: ResponseOptions): Buffer {
  const { query } = options
  const answers = options.answers ?? []
  const authority = options.authority ?? []
  const additional = options.additional ?? []
  const header = Buffer.alloc(12)
  header.writeUInt16BE(query.id, 0)
  let flags = 0x8000 | (query.flags & 0x7900) // QR, echo opcode and RD
  if (options.authoritative) flags |= 0x0400
  if (options.recursionAvailable) flags |= 0x0080
  flags |= (options.rcode ?? 0) & 0x0f
  header.writeUInt16BE(flags, 2)
  header.writeUInt16BE(query.questions.length, 4)
  header.writeUInt16BE(answers.length, 6)
  header.writeUInt16BE(authority.length, 8)
  header.writeUInt16BE(additional.length, 10)
  const questions = query.questions.map((question) => {
    const tail = Buffer.alloc(4)
    tail.writeUInt16BE(question.type, 0)
    tail.writeUInt16BE(question.class, 2)
    return Buffer.concat([encodeName(question.name), tail])
  })
  const questionName = query.questions[0]?.name
  const records = [...answers, ...authority, ...additional].map((record) =>
    encodeRecord(record, questionName),
  )
  return Buffer.concat([header, ...questions, ...records])
}

// ---- record data ----

export function aData(ip: string): Buffer {
  return Buffer.from(ip.split('.').map((part) => Number(part) & 0xff))
}

/** TXT strings are cut into ≤255-byte character-strings. */
export function txtData(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8')
  const chunks: Buffer[] = []
  for (let i = 0; i < bytes.length || chunks.length === 0; i += 255) {
    const chunk = bytes.subarray(i, i + 255)
    chunks.push(Buffer.from([chunk.length]), chunk)
  }
  return Buffer.concat(chunks)
}

export function mxData(preference: number, exchange: string): Buffer {
  return Buffer.concat([Buffer.from([preference >> 8, preference & 0xff]), encodeName(exchange)])
}

export function soaData(primary: string, mailbox: string, serial: number): Buffer {
  const numbers = Buffer.alloc(20)
  ;[serial, 10800, 3600, 604800, 3600].forEach((value, index) => {
    numbers.writeUInt32BE(value >>> 0, index * 4)
  })
  return Buffer.concat([encodeName(primary), encodeName(mailbox), numbers])
}
