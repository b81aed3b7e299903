import { capText, sha256Prefix12 } from './text.ts'

export type Ja4hInput = {
  method: string
  /** `1.0` or `1.1` (HTTP/0.9 requests carry no headers and get no JA4H). */
  version: '1.0' | '1.1'
  /** Header lines as sent: name spelling and order kept. */
  rawHeaders: readonly (readonly [string, string])[]
}

export type Ja4h = {
  /** `ge11cr13enus_88d2d584d47f_0f2659b474bf_161698816dab`. */
  ja4h: string
  /** JA4H_r: header names and sorted cookie names and pairs in clear. */
  ja4hRaw: string
}

/** JA4H's two-letter method codes (FoxIO's table); any other method is `00`. */
const METHOD_CODES: Record<string, string> = {
  ACL: 'ac',
  'BASELINE-CONTROL': 'ba',
  BIND: 'bi',
  CHECKIN: 'cn',
  CHECKOUT: 'ct',
  CONNECT: 'co',
  COPY: 'cy',
  DELETE: 'de',
  GET: 'ge',
  HEAD: 'he',
  LABEL: 'la',
  LINK: 'li',
  LOCK: 'lo',
  MERGE: 'me',
  MKACTIVITY: 'ma',
  MKCALENDAR: 'mc',
  MKCOL: 'ml',
  MKREDIRECTREF: 'mr',
  MKWORKSPACE: 'mw',
  MOVE: 'mo',
  'M-SEARCH': 'ms',
  NOTIFY: 'no',
  OPTIONS: 'op',
  PATCH: 'pa',
  POST: 'po',
  PRI: 'pr',
  PROPFIND: 'pf',
  PROPPATCH: 'pp',
  PURGE: 'pr',
  PUT: 'pu',
  REBIND: 'rb',
  REPORT: 'rp',
  SEARCH: 'se',
  SUBSCRIBE: 'su',
  TRACE: 'tr',
  UNBIND: 'ub',
  UNCHECKOUT: 'uc',
  UNLINK: 'ui',
  UNLOCK: 'uo',
  UNSUBSCRIBE: 'un',
  UPDATE: 'up',
  UPDATEREDIRECTREF: 'ur',
  'VERSION-CONTROL': 've',
}

/**
 * JA4H (FoxIO, technical_details/JA4H.md) of an HTTP/1.x request: method, version, cookie and
 * referer markers, header count and primary language; then the truncated SHA-256 of the header
 * names in the order sent (Cookie and Referer left out), of the sorted cookie names and of the
 * sorted cookie pairs (`000000000000` without cookies).
 */
export function ja4h(request: Ja4hInput): Ja4h {
  const names = request.rawHeaders.map(([name]) => name)
  const lower = (name: string) => name.toLowerCase()
  const headers = names.filter((name) => lower(name) !== 'cookie' && lower(name) !== 'referer')
  const language = request.rawHeaders.find(([name]) => lower(name) === 'accept-language')?.[1]
  const prefix = [
    METHOD_CODES[request.method.toUpperCase()] ?? '00',
    request.version === '1.0' ? '10' : '11',
    names.some((name) => lower(name) === 'cookie') ? 'c' : 'n',
    names.some((name) => lower(name) === 'referer') ? 'r' : 'n',
    String(Math.min(headers.length, 99)).padStart(2, '0'),
    language === undefined ? '0000' : primaryLanguage(language),
  ].join('')
  const cookies = request.rawHeaders
    .filter(([name]) => lower(name) === 'cookie')
    .flatMap(([, value]) => cookiePairs(value))
    .sort((a, b) => compare(a.name, b.name) || compare(a.pair, b.pair))
  const headerList = headers.join(',')
  const cookieNames = cookies.map((cookie) => cookie.name).join(',')
  const cookieValues = cookies.map((cookie) => cookie.pair).join(',')
  return {
    ja4h: `${prefix}_${sha256Prefix12(headerList)}_${sha256Prefix12(cookieNames)}_${sha256Prefix12(cookieValues)}`,
    ja4hRaw: `${prefix}_${headerList}_${cookieNames}_${cookieValues}`,
  }
}

/** Code-unit order, as the reference implementations' byte-wise sort for the ASCII cookie names. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** `a=1; b=2` → pairs keyed by name; a bare `flag` keeps its name alone. */
function cookiePairs(header: string): { name: string; pair: string }[] {
  return header
    .split(';')
    .map((piece) => piece.trim())
    .filter((piece) => piece !== '')
    .map((pair) => ({ name: pair.split('=', 1)[0] as string, pair }))
}

/**
 * The primary language in four characters: the first five characters of Accept-Language up to a
 * `,` or `;`, spaces and `-` skipped, letters lower-cased, anything else spelled as two hex
 * digits, padded with `0` (`en-US,en;q=0.9` → `enus`, `da, en-GB` → `da00`).
 */
export function primaryLanguage(value: string): string {
  let out = ''
  for (const char of value.slice(0, 5)) {
    if (char === ',' || char === ';' || out.length >= 4) break
    if (char === '-' || /\s/.test(char)) continue
    out += /[A-Za-z]/.test(char)
      ? char.toLowerCase()
      : ((char.codePointAt(0) ?? 0) & 0xff).toString(16).padStart(2, '0')
  }
  return out.padEnd(4, '0').slice(0, 4)
}

/** Longest `header_order` kept on an event. */
export const MAX_HEADER_ORDER_CHARS = 1024

/** Header names as sent, lower-cased, comma-separated and capped: the raw client fingerprint. */
export function headerOrder(rawHeaders: readonly (readonly [string, string])[]): string {
  return capText(rawHeaders.map(([name]) => name.toLowerCase()).join(','), MAX_HEADER_ORDER_CHARS)
}
