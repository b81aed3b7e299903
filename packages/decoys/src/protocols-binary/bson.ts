import { MalformedFrame } from './stream.ts'

/** Just enough BSON for the MongoDB wire protocol: decoding is bounded (size, depth) and strict. */

export class ObjectId {
  constructor(readonly bytes: Buffer) {}
}
/** A value that must be encoded as a BSON double even when it is integral (e.g. `ok: 1.0`). */
export class Double {
  constructor(readonly value: number) {}
}
export class Binary {
  constructor(
    readonly bytes: Buffer,
    readonly subtype = 0,
  ) {}
}

export type BsonValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | Date
  | ObjectId
  | Double
  | Binary
  | BsonValue[]
  | BsonDocument
export type BsonDocument = { [key: string]: BsonValue }

const MAX_DEPTH = 32

export function decodeDocument(buffer: Buffer, depth = 0): BsonDocument {
  if (depth > MAX_DEPTH) throw new MalformedFrame('BSON nested too deep')
  if (buffer.length < 5) throw new MalformedFrame('short BSON document')
  const size = buffer.readInt32LE(0)
  if (size < 5 || size > buffer.length || buffer[size - 1] !== 0) throw new MalformedFrame('bad BSON size')
  const document: BsonDocument = {}
  let offset = 4
  const need = (count: number) => {
    if (offset + count > size - 1) throw new MalformedFrame('BSON value past the end')
  }
  while (offset < size - 1) {
    const type = buffer[offset] as number
    const nameEnd = buffer.indexOf(0, offset + 1)
    if (nameEnd === -1 || nameEnd >= size) throw new MalformedFrame('unterminated BSON key')
    const key = buffer.toString('utf8', offset + 1, nameEnd)
    offset = nameEnd + 1
    let value: BsonValue
    switch (type) {
      case 0x01:
        need(8)
        value = buffer.readDoubleLE(offset)
        offset += 8
        break
      case 0x02:
      case 0x0d: {
        need(4)
        const length = buffer.readInt32LE(offset)
        need(4 + length)
        if (length < 1) throw new MalformedFrame('bad BSON string')
        value = buffer.toString('utf8', offset + 4, offset + 4 + length - 1)
        offset += 4 + length
        break
      }
      case 0x03:
      case 0x04: {
        need(4)
        const length = buffer.readInt32LE(offset)
        need(length)
        const inner = decodeDocument(buffer.subarray(offset, offset + length), depth + 1)
        value = type === 0x03 ? inner : Object.values(inner)
        offset += length
        break
      }
      case 0x05: {
        need(5)
        const length = buffer.readInt32LE(offset)
        if (length < 0) throw new MalformedFrame('bad BSON binary')
        need(5 + length)
        value = new Binary(Buffer.from(buffer.subarray(offset + 5, offset + 5 + length)), buffer[offset + 4])
        offset += 5 + length
        break
      }
      case 0x06:
      case 0x0a:
      case 0x7f:
      case 0xff:
        value = null
        break
      case 0x07:
        need(12)
        value = new ObjectId(Buffer.from(buffer.subarray(offset, offset + 12)))
        offset += 12
        break
      case 0x08:
        need(1)
        value = buffer[offset] === 1
        offset += 1
        break
      case 0x09:
        need(8)
        value = new Date(Number(buffer.readBigInt64LE(offset)))
        offset += 8
        break
      case 0x0b: {
        const patternEnd = buffer.indexOf(0, offset)
        const flagsEnd = patternEnd === -1 ? -1 : buffer.indexOf(0, patternEnd + 1)
        if (flagsEnd === -1 || flagsEnd >= size) throw new MalformedFrame('bad BSON regex')
        value = `/${buffer.toString('utf8', offset, patternEnd)}/${buffer.toString('utf8', patternEnd + 1, flagsEnd)}`
        offset = flagsEnd + 1
        break
      }
      case 0x10:
        need(4)
        value = buffer.readInt32LE(offset)
        offset += 4
        break
      case 0x11:
      case 0x12:
        need(8)
        value = buffer.readBigInt64LE(offset)
        offset += 8
        break
      case 0x13:
        need(16)
        value = new Binary(Buffer.from(buffer.subarray(offset, offset + 16)), 0x13)
        offset += 16
        break
      default:
        throw new MalformedFrame(`unsupported BSON type ${type}`)
    }
    // Keys such as "__proto__" must stay plain data.
    Object.defineProperty(document, key, { value, enumerable: true, writable: true, configurable: true })
  }
  return document
}

function cstring(text: string): Buffer {
  return Buffer.from(`${text.replaceAll('\0', '')}\0`, 'utf8')
}

function encodeElement(key: string, value: BsonValue): Buffer {
  const name = cstring(key)
  const typed = (type: number, data: Buffer) => Buffer.concat([Buffer.from([type]), name, data])
  if (value === null) return typed(0x0a, Buffer.alloc(0))
  if (typeof value === 'boolean') return typed(0x08, Buffer.from([value ? 1 : 0]))
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8')
    const length = Buffer.alloc(4)
    length.writeInt32LE(bytes.length + 1)
    return typed(0x02, Buffer.concat([length, bytes, Buffer.from([0])]))
  }
  if (typeof value === 'bigint') {
    const data = Buffer.alloc(8)
    data.writeBigInt64LE(value)
    return typed(0x12, data)
  }
  if (typeof value === 'number' || value instanceof Double) {
    const number = typeof value === 'number' ? value : value.value
    if (typeof value === 'number' && Number.isInteger(number) && number >= -(2 ** 31) && number < 2 ** 31) {
      const data = Buffer.alloc(4)
      data.writeInt32LE(number)
      return typed(0x10, data)
    }
    const data = Buffer.alloc(8)
    data.writeDoubleLE(number)
    return typed(0x01, data)
  }
  if (value instanceof Date) {
    const data = Buffer.alloc(8)
    data.writeBigInt64LE(BigInt(value.getTime()))
    return typed(0x09, data)
  }
  if (value instanceof ObjectId) return typed(0x07, value.bytes.subarray(0, 12))
  if (value instanceof Binary) {
    const header = Buffer.alloc(5)
    header.writeInt32LE(value.bytes.length)
    header[4] = value.subtype
    return typed(0x05, Buffer.concat([header, value.bytes]))
  }
  if (Array.isArray(value)) {
    return typed(0x04, encodeDocument(Object.fromEntries(value.map((item, index) => [String(index), item]))))
  }
  return typed(0x03, encodeDocument(value))
}

export function encodeDocument(document: BsonDocument): Buffer {
  const body = Buffer.concat(Object.entries(document).map(([key, value]) => encodeElement(key, value)))
  const size = Buffer.alloc(4)
  size.writeInt32LE(body.length + 5)
  return Buffer.concat([size, body, Buffer.from([0])])
}

/** JSON text of a decoded document for the event log (binary as base64, int64 as string). */
export function toLogJson(document: BsonDocument, max = 1024): string {
  const text = JSON.stringify(document, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString()
    if (value instanceof Binary) return { $binary: value.bytes.subarray(0, 256).toString('base64') }
    if (value instanceof ObjectId) return { $oid: value.bytes.toString('hex') }
    if (value instanceof Double) return value.value
    return value
  })
  return text.length > max ? `${text.slice(0, max)}…` : text
}
