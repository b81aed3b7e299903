/**
 * A small HTTP/1.x request parser that reports *why* a request is malformed, so each emulated
 * server can answer it the way that server does. node:http cannot be used for this: its parser
 * (llhttp) answers or drops malformed input itself, refuses methods outside its fixed list (a real
 * Apache answers `FOO / HTTP/1.1` with 501, nginx with 405), refuses HTTP/0.9 and RTSP-style probes
 * that real servers answer, and adds its own keep-alive headers. The npm alternatives
 * (http-parser-js) share the fixed method list and the error model, so this one is written here.
 */

/** Why a request was refused, in terms each server maps to its own status line and page. */
export type RequestProblem =
  | 'bad_request_line'
  | 'bad_method'
  | 'bad_uri'
  | 'bad_version'
  | 'unsupported_version'
  | 'uri_too_long'
  | 'bad_header'
  | 'header_too_long'
  | 'too_many_headers'
  | 'missing_host'
  | 'bad_host'
  | 'bad_content_length'
  | 'bad_chunk'
  | 'unsupported_transfer_encoding'
  | 'body_too_large'
  | 'timeout'

export type ParsedHead = {
  method: string
  url: string
  /** `0.9` for a request line without a version (answered with a bare body). */
  version: '0.9' | '1.0' | '1.1'
  /** Lower-cased names; repeated headers joined with `, ` (cookies with `; `). */
  headers: Record<string, string>
  /** Header lines as sent (name spelling and order are themselves a client fingerprint). */
  rawHeaders: [string, string][]
  /** Body framing decided from the headers. */
  body: { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' }
}

export type HeadLimits = {
  /** Longest request line (Apache LimitRequestLine 8190; nginx 8 KiB buffer). */
  requestLine: number
  /** Longest header line (Apache LimitRequestFieldSize 8190). */
  headerLine: number
  /** Most header lines (Apache LimitRequestFields 100). */
  headerCount: number
}

export type HeadResult =
  | { kind: 'incomplete' }
  | { kind: 'problem'; problem: RequestProblem; head?: Partial<ParsedHead>; consumed: number }
  | { kind: 'head'; head: ParsedHead; consumed: number }

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const VERSION = /^HTTP\/(\d+)\.(\d+)$/

/**
 * Looks for one complete request head at the start of `buffer`. Lines may end in CRLF or a bare LF
 * (every real server tolerates LF). `incomplete` until the blank line (or, for HTTP/0.9, the end
 * of the request line) has arrived and nothing exceeds the limits.
 */
export function parseHead(buffer: Buffer, limits: HeadLimits): HeadResult {
  const firstEnd = buffer.indexOf(0x0a)
  if (firstEnd === -1) {
    if (buffer.length > limits.requestLine)
      return { kind: 'problem', problem: 'uri_too_long', consumed: buffer.length }
    return { kind: 'incomplete' }
  }
  // Leading empty lines before a request are allowed (RFC 9112 §2.2).
  let start = 0
  while (
    start < buffer.length &&
    (buffer[start] === 0x0a || (buffer[start] === 0x0d && buffer[start + 1] === 0x0a))
  ) {
    start += buffer[start] === 0x0d ? 2 : 1
  }
  const lineEnd = buffer.indexOf(0x0a, start)
  if (lineEnd === -1) return start > 0 ? { kind: 'incomplete' } : { kind: 'incomplete' }
  const requestLine = stripCr(buffer.subarray(start, lineEnd)).toString('latin1')
  if (requestLine.length > limits.requestLine)
    return { kind: 'problem', problem: 'uri_too_long', consumed: buffer.length }
  const parts = requestLine.split(' ')
  const method = parts[0] ?? ''
  const url = parts[1] ?? ''
  const partial: Partial<ParsedHead> = { method, url }
  if (parts.length === 2 && TOKEN.test(method) && url.length > 0) {
    // HTTP/0.9 simple request: the request line is the whole request.
    return {
      kind: 'head',
      head: { method, url, version: '0.9', headers: {}, rawHeaders: [], body: { kind: 'none' } },
      consumed: lineEnd + 1,
    }
  }
  if (parts.length !== 3 || !method || !url)
    return { kind: 'problem', problem: 'bad_request_line', head: partial, consumed: buffer.length }
  if (!TOKEN.test(method))
    return { kind: 'problem', problem: 'bad_method', head: partial, consumed: buffer.length }
  const version = VERSION.exec(parts[2] ?? '')
  if (!version) return { kind: 'problem', problem: 'bad_version', head: partial, consumed: buffer.length }
  if (version[1] !== '1' || (version[2] !== '0' && version[2] !== '1'))
    return { kind: 'problem', problem: 'unsupported_version', head: partial, consumed: buffer.length }
  partial.version = version[2] === '0' ? '1.0' : '1.1'
  if (!(url.startsWith('/') || url === '*' || /^https?:\/\//i.test(url)) || hasControlOrSpace(url))
    return { kind: 'problem', problem: 'bad_uri', head: partial, consumed: buffer.length }

  const rawHeaders: [string, string][] = []
  let cursor = lineEnd + 1
  for (;;) {
    const end = buffer.indexOf(0x0a, cursor)
    if (end === -1) {
      if (buffer.length - cursor > limits.headerLine)
        return { kind: 'problem', problem: 'header_too_long', head: partial, consumed: buffer.length }
      return { kind: 'incomplete' }
    }
    const line = stripCr(buffer.subarray(cursor, end)).toString('latin1')
    cursor = end + 1
    if (line === '') break
    if (line.length > limits.headerLine)
      return { kind: 'problem', problem: 'header_too_long', head: partial, consumed: buffer.length }
    if (rawHeaders.length >= limits.headerCount)
      return { kind: 'problem', problem: 'too_many_headers', head: partial, consumed: buffer.length }
    const colon = line.indexOf(':')
    const name = colon > 0 ? line.slice(0, colon) : ''
    // Obsolete line folding, a missing colon or space before it are refused by every strict server.
    if (!TOKEN.test(name))
      return { kind: 'problem', problem: 'bad_header', head: partial, consumed: buffer.length }
    rawHeaders.push([name, line.slice(colon + 1).trim()])
  }
  const headers: Record<string, string> = {}
  for (const [name, value] of rawHeaders) {
    const key = name.toLowerCase()
    const previous = headers[key]
    headers[key] = previous === undefined ? value : `${previous}${key === 'cookie' ? '; ' : ', '}${value}`
  }
  const head: ParsedHead = {
    method,
    url,
    version: partial.version,
    headers,
    rawHeaders,
    body: { kind: 'none' },
  }
  const hosts = rawHeaders.filter(([name]) => name.toLowerCase() === 'host')
  if (head.version === '1.1' && hosts.length === 0)
    return { kind: 'problem', problem: 'missing_host', head, consumed: cursor }
  if (hosts.length > 1 || (hosts[0] && !/^[A-Za-z0-9._:[\]-]*$/.test(hosts[0][1])))
    return { kind: 'problem', problem: 'bad_host', head, consumed: cursor }
  const transferEncoding = headers['transfer-encoding']
  if (transferEncoding !== undefined) {
    if (transferEncoding.trim().toLowerCase() !== 'chunked')
      return { kind: 'problem', problem: 'unsupported_transfer_encoding', head, consumed: cursor }
    head.body = { kind: 'chunked' }
  } else if (headers['content-length'] !== undefined) {
    const values = [...new Set(headers['content-length'].split(',').map((value) => value.trim()))]
    if (values.length !== 1 || !/^\d{1,15}$/.test(values[0] ?? ''))
      return { kind: 'problem', problem: 'bad_content_length', head, consumed: cursor }
    const length = Number(values[0])
    head.body = length > 0 ? { kind: 'length', length } : { kind: 'none' }
  }
  return { kind: 'head', head, consumed: cursor }
}

function hasControlOrSpace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code <= 0x20 || code === 0x7f) return true
  }
  return false
}

function stripCr(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === 0x0d ? line.subarray(0, -1) : line
}

/**
 * Incremental chunked-body decoder: feed bytes, get body bytes out; `done` once the last chunk and
 * trailers are read (`rest` is what follows: the next pipelined request).
 */
export function chunkedDecoder() {
  let state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size'
  let remaining = 0
  let pending: Buffer = Buffer.alloc(0)
  return {
    feed(input: Buffer): { data: Buffer[]; done: boolean; rest: Buffer; error?: true } {
      pending = pending.length ? Buffer.concat([pending, input]) : input
      const data: Buffer[] = []
      for (;;) {
        if (state === 'size' || state === 'data-end' || state === 'trailer') {
          const end = pending.indexOf(0x0a)
          if (end === -1) {
            if (pending.length > 4096) return { data, done: false, rest: Buffer.alloc(0), error: true }
            return { data, done: false, rest: Buffer.alloc(0) }
          }
          const line = stripCr(pending.subarray(0, end)).toString('latin1')
          pending = pending.subarray(end + 1)
          if (state === 'data-end') {
            if (line !== '') return { data, done: false, rest: Buffer.alloc(0), error: true }
            state = 'size'
          } else if (state === 'trailer') {
            if (line === '') {
              state = 'done'
              return { data, done: true, rest: pending }
            }
          } else {
            const size = /^([0-9A-Fa-f]{1,8})(;.*)?$/.exec(line.trim())
            if (!size) return { data, done: false, rest: Buffer.alloc(0), error: true }
            remaining = Number.parseInt(size[1] ?? '0', 16)
            state = remaining === 0 ? 'trailer' : 'data'
          }
          continue
        }
        if (state === 'data') {
          if (pending.length === 0) return { data, done: false, rest: Buffer.alloc(0) }
          const piece = pending.subarray(0, remaining)
          data.push(piece)
          remaining -= piece.length
          pending = pending.subarray(piece.length)
          if (remaining === 0) state = 'data-end'
          continue
        }
        return { data, done: true, rest: pending }
      }
    },
  }
}
