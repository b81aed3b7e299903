// Indicator extraction as data: which fields of which events are read (and labelled as which
// source), and the patterns that pull URLs, domains, IPs, hashes, wallets and file names out of
// them. Bump IOC_RULES_VERSION with every change.
import type { IocFinding, IocKind, IocSource } from '../types.ts'
import type { FieldReader } from './engine.ts'

export const IOC_RULES_VERSION = '1.1.0'

/** Per event, at most this many indicators (a hostile body must not flood the tables). */
export const MAX_IOCS_PER_EVENT = 64
/** Text read per field: fields are capped by the decoys already; this bounds the regex work too. */
const MAX_SCANNED_CHARS = 8192
const MAX_VALUE_CHARS: Record<IocKind, number> = {
  url: 512,
  domain: 253,
  ip: 45,
  sha256: 64,
  sha1: 40,
  md5: 32,
  wallet: 128,
  filename: 255,
}

/** How a field is read: as free text (every pattern), or as one value of one kind. */
type FieldScan = { field: string; as: 'text' | 'command' | IocKind }

type IocSourceRule = {
  eventTypes: readonly string[]
  services?: readonly string[]
  source: IocSource
  fields: readonly FieldScan[]
}

/** Where indicators are looked for. `command` text also yields bare domains and file names. */
export const IOC_SOURCES: readonly IocSourceRule[] = [
  {
    eventTypes: ['command'],
    services: ['ssh', 'telnet'],
    source: 'command',
    fields: [{ field: 'cmd', as: 'command' }],
  },
  {
    eventTypes: ['command'],
    services: ['redis'],
    source: 'command',
    fields: [{ field: 'args', as: 'text' }],
  },
  {
    eventTypes: ['request'],
    source: 'http',
    fields: [
      { field: 'path_decoded', as: 'text' },
      { field: 'body_decoded', as: 'text' },
      { field: 'user_agent', as: 'text' },
      // Docker API container creation: the command and image an attacker asked for
      { field: 'cmd', as: 'command' },
    ],
  },
  {
    eventTypes: ['download', 'download_attempt'],
    source: 'download',
    fields: [
      { field: 'url', as: 'url' },
      // After redirects, and the address the decky really connected to
      { field: 'final_url', as: 'url' },
      { field: 'remote_ip', as: 'ip' },
      { field: 'sha256', as: 'sha256' },
      { field: 'filename', as: 'filename' },
    ],
  },
  // Jobs the decoy shell's crontab installed: commands to come
  { eventTypes: ['cron_job'], source: 'command', fields: [{ field: 'jobs', as: 'command' }] },
  {
    eventTypes: ['upload'],
    source: 'upload',
    fields: [
      { field: 'sha256', as: 'sha256' },
      { field: 'upload_name', as: 'filename' },
    ],
  },
  { eventTypes: ['message'], source: 'mail', fields: [{ field: 'body', as: 'text' }] },
]

// ldap/rmi/dns: the callback of a JNDI (Log4Shell) payload
const URL_RE = /\b(?:https?|ftps?|tftp|ldaps?|rmi|dns):\/\/[^\s'"<>`|;(){}\\]+/gi
const IPV4_RE =
  /(?<![\d.])(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(?![\d.]*\d)/g
// Word boundaries (cheaper than look-arounds): `0x` + 40 hex digits is an Ethereum address, no SHA-1.
const HEX_RE = /\b[0-9a-fA-F]{32}(?:[0-9a-fA-F]{8}(?:[0-9a-fA-F]{24})?)?\b/g
const WALLET_RES: readonly RegExp[] = [
  // Bitcoin bech32 (segwit / taproot)
  /\bbc1[02-9ac-hj-np-z]{38,58}\b/g,
  // Bitcoin legacy P2PKH / P2SH (base58)
  /(?<![0-9A-Za-z])[13][1-9A-HJ-NP-Za-km-z]{25,34}(?![0-9A-Za-z])/g,
  // Monero standard / subaddress (95) and integrated (106)
  /(?<![0-9A-Za-z])[48][1-9A-HJ-NP-Za-km-z]{94}(?:[1-9A-HJ-NP-Za-km-z]{11})?(?![0-9A-Za-z])/g,
  // Ethereum
  /\b0x[0-9a-fA-F]{40}\b/g,
]
/**
 * Bare domains are only taken from shell commands, and only under TLDs that are not also common
 * file extensions (`.sh`, `.py`, `.pl` are TLDs too): `wget evil.top/x` yes, `./run.sh` no. The
 * pattern finds whole dotted names ending in letters; the TLD is then looked up in a set.
 */
const DOTTED_NAME_RE = /(?<![\w.@/-])(?:[a-z0-9-]{1,63}\.){1,10}[a-z]{2,24}(?![\w-]|\.[a-z0-9])/gi
const DOMAIN_TLDS: ReadonlySet<string> = new Set(
  (
    'com net org info biz io xyz top online site club store shop live cloud app dev me cc tk ml ga cf gq pw su ' +
    'ru cn hk tw kr jp in ir vn br de fr nl uk eu us ca au ua co ws tv to nu link icu vip work fun space ' +
    'website tech host pro'
  ).split(' '),
)
/** File names a command writes, fetches or runs. */
const COMMAND_FILE_RES: readonly RegExp[] = [
  /\s-O\s*['"]?([^\s'";|&]+)/g, // wget -O name
  /\s-o\s*['"]?([^\s'";|&]+)/g, // curl -o name
  /\bchmod\s+(?:-\w+\s+)*[+\w=,]+\s+['"]?([^\s'";|&]+)/g, // chmod +x name
  /(?:^|[\s;&|(`])\.\/([^\s'";|&)]+)/g, // ./name
  /(?:^|[\s;&|(`])(?:sh|bash|ash|dash|perl|python\d?|php)\s+([^\s;&|'"`]{1,255}\.(?:sh|pl|py|php|bin|elf|x86|arm\d*|mips\w*))\b/g,
  /\btftp\b[^;&|]{0,200}\s-r\s*([^\s;&|]+)/g,
  // Anything placed in the world-writable directories droppers use
  /(?:^|[\s;&|'"=>])(\/(?:tmp|var\/tmp|dev\/shm)\/[^\s;&|'"<>()]+)/g,
]
const MINIMAL_FILENAME = /^[\w.+-]{1,255}$/

export type IocCollector = {
  add(kind: IocKind, value: string, source: IocSource): void
  findings: IocFinding[]
}

/** A per-event collector: deduplicates by kind + value, caps values and the count. */
export function iocCollector(): IocCollector {
  const seen = new Set<string>()
  const findings: IocFinding[] = []
  return {
    findings,
    add(kind, value, source) {
      if (findings.length >= MAX_IOCS_PER_EVENT) return
      const capped = value.slice(0, MAX_VALUE_CHARS[kind])
      if (capped === '') return
      const key = `${kind}\u0000${capped}`
      if (seen.has(key)) return
      seen.add(key)
      findings.push({ kind, value: capped, source })
    },
  }
}

const SOURCES_BY_TYPE = new Map<string, IocSourceRule[]>()
for (const rule of IOC_SOURCES) {
  for (const type of rule.eventTypes) SOURCES_BY_TYPE.set(type, [...(SOURCES_BY_TYPE.get(type) ?? []), rule])
}

/** Whether any indicator source reads this event type (cheap early exit). */
export function iocsRead(eventType: string): boolean {
  return SOURCES_BY_TYPE.has(eventType)
}

/** Every indicator in the event's configured fields, deduplicated. */
export function extractIocs(eventType: string, service: string, read: FieldReader): IocFinding[] {
  const rules = SOURCES_BY_TYPE.get(eventType)
  if (!rules) return []
  const collector = iocCollector()
  for (const rule of rules) {
    if (rule.services && !rule.services.includes(service)) continue
    for (const scan of rule.fields) {
      const value = read.get(scan.field)
      if (value === undefined || value === '') continue
      const text = value.length > MAX_SCANNED_CHARS ? value.slice(0, MAX_SCANNED_CHARS) : value
      if (scan.as === 'text' || scan.as === 'command')
        scanText(text, rule.source, collector, scan.as === 'command')
      else addTyped(scan.as, text.trim(), rule.source, collector)
    }
  }
  return collector.findings
}

function addTyped(kind: IocKind, value: string, source: IocSource, collector: IocCollector): void {
  if (kind === 'url') {
    addUrl(value, source, collector)
    return
  }
  if (kind === 'filename') {
    addFilename(value, source, collector)
    return
  }
  if (kind === 'sha256' || kind === 'sha1' || kind === 'md5') {
    if (/^[0-9a-fA-F]+$/.test(value)) collector.add(kind, value.toLowerCase(), source)
    return
  }
  collector.add(kind, value, source)
}

/** All patterns over free text; `command` adds bare domains and the file names a command handles. */
export function scanText(text: string, source: IocSource, collector: IocCollector, command: boolean): void {
  if (text.includes('://')) for (const match of text.matchAll(URL_RE)) addUrl(match[0], source, collector)
  if (/\d\.\d/.test(text)) for (const match of text.matchAll(IPV4_RE)) collector.add('ip', match[0], source)
  for (const match of text.matchAll(HEX_RE)) {
    const hex = match[0].toLowerCase()
    collector.add(hex.length === 64 ? 'sha256' : hex.length === 40 ? 'sha1' : 'md5', hex, source)
  }
  for (const pattern of WALLET_RES) {
    for (const match of text.matchAll(pattern))
      if (plausibleWallet(match[0])) collector.add('wallet', match[0], source)
  }
  if (!command) return
  for (const match of text.matchAll(DOTTED_NAME_RE)) {
    const name = match[0].toLowerCase()
    if (DOMAIN_TLDS.has(name.slice(name.lastIndexOf('.') + 1)) && !name.startsWith('-'))
      collector.add('domain', name, source)
  }
  for (const pattern of COMMAND_FILE_RES) {
    for (const match of text.matchAll(pattern)) if (match[1]) addFilename(match[1], source, collector)
  }
}

/** A base58 run is only a wallet if it mixes digits, upper and lower case (words and ids rarely do). */
function plausibleWallet(value: string): boolean {
  if (value.startsWith('0x') || value.startsWith('bc1')) return true
  return /\d/.test(value.slice(1)) && /[A-Z]/.test(value.slice(1)) && /[a-z]/.test(value)
}

function addUrl(raw: string, source: IocSource, collector: IocCollector): void {
  // Trailing punctuation belongs to the sentence or the shell, not the URL.
  const url = raw.replace(/[.,:;!?'"\])]+$/, '')
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return
  }
  collector.add('url', url, source)
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host !== '') {
    if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(host) || host.includes(':')) collector.add('ip', host, source)
    else if (host.includes('.')) collector.add('domain', host, source)
  }
  const last = parsed.pathname.split('/').pop() ?? ''
  if (last !== '') addFilename(safeDecode(last), source, collector)
}

function addFilename(raw: string, source: IocSource, collector: IocCollector): void {
  const trimmed = raw.replace(/^['"]|['"]$/g, '')
  if (trimmed.includes('://')) {
    addUrl(trimmed, source, collector)
    return
  }
  const name = trimmed.split('/').pop() ?? ''
  if (name === '' || name === '.' || name === '..' || name === '-' || name === 'null') return
  if (!MINIMAL_FILENAME.test(name)) return
  collector.add('filename', name, source)
}

export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
